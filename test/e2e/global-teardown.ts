import { sweepPids } from "./engines/processes.js";

/** Stops any Xvfb, WebKitWebDriver, MiniBrowser or Firefox a killed worker left behind. */
export default async function globalTeardown(): Promise<void> {
  const swept = sweepPids();
  if (swept.length) process.stdout.write(`e2e: stopped processes left behind: ${swept.join(", ")}\n`);
}
