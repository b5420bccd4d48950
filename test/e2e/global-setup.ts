import { fileURLToPath } from "node:url";
import { build } from "vite";
import { sweepPids } from "./engines/processes.js";

/** Builds demo/ into demo/dist once per run: the tests drive the built app, as users get it. */
export default async function globalSetup(): Promise<void> {
  sweepPids(); // anything an earlier, killed run left behind
  if (process.env.E2E_SKIP_BUILD === "1") return;
  await build({
    configFile: fileURLToPath(new URL("../../demo/vite.config.ts", import.meta.url)),
    logLevel: "warn",
  });
}
