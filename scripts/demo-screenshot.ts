// Takes docs/demo.png, the README's picture of the demo: runs a popup flow and a minted flow
// in Chromium against the demo and the emulator, then captures the page 1000 px wide.
//   npx tsx scripts/demo-screenshot.ts          (CHROMIUM_PATH overrides /usr/bin/chromium)
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pw from "playwright-core";
import { chromiumLaunchOptions } from "./chromium.mjs";
import { startDemoServer } from "./demo-server.js";

const OUT = fileURLToPath(new URL("../docs/demo.png", import.meta.url));

const demo = await startDemoServer({ port: 0, emulatorPort: 0 });
const browser = await pw.chromium.launch(chromiumLaunchOptions());
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, deviceScaleFactor: 1, colorScheme: "light", locale: "en-US" });
  const page = await context.newPage();
  await page.goto(demo.url);

  const popupPromise = page.waitForEvent("popup");
  await page.getByTestId("popup-section").getByRole("button", { name: "Connect OpenRouter" }).click();
  const popup = await popupPromise;
  await popup.getByRole("button", { name: "Approve" }).click();
  await page.getByTestId("popup-key").filter({ hasText: "sk-or-v1-" }).waitFor();

  await page.getByTestId("minted-section").getByRole("button", { name: "Create key" }).click();
  await page.getByTestId("minted-key").filter({ hasText: "sk-or-v1-" }).waitFor();

  await page.mouse.move(0, 0);
  mkdirSync(fileURLToPath(new URL("../docs/", import.meta.url)), { recursive: true });
  await page.screenshot({ path: OUT, fullPage: true });
  process.stdout.write(`wrote ${OUT}\n`);
} finally {
  await browser.close();
  await demo.close();
}
