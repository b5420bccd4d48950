// `npm run dev`: the local OpenRouter emulator on 127.0.0.1:8787 (unless OPENROUTER_URL points
// elsewhere, or one already listens there), then `next dev` with any arguments you pass.
import { spawn } from "node:child_process";
import { startOpenRouterEmulator } from "openrouter-connect/emulator";

let emulator;
if (!process.env.OPENROUTER_URL) {
  try {
    emulator = await startOpenRouterEmulator({ port: 8787 });
    console.log(`OpenRouter emulator: ${emulator.url} (mint key ${emulator.apiKey}, not a secret)`);
  } catch (error) {
    if (error.code !== "EADDRINUSE") throw error;
    console.log("OpenRouter emulator: one is already listening on 127.0.0.1:8787");
  }
}

const next = spawn("next", ["dev", ...process.argv.slice(2)], { stdio: "inherit", shell: process.platform === "win32" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => next.kill(signal));
next.on("exit", async (code) => {
  await emulator?.close();
  process.exit(code ?? 1);
});
