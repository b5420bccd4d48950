import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions } from "../../scripts/chromium.mjs";

// Browser tests of the connect flows: Debian's Chromium (or CHROMIUM_PATH) drives the built
// demo (demo/dist, built by global-setup.ts) against the local OpenRouter emulator, both started
// in the worker (fixtures.ts) so each test reads the emulator's events and sets its faults.
//   npx playwright test -c test/e2e/playwright.config.ts
export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  globalSetup: "./global-setup.ts",
  outputDir: "../../test-results/e2e",
  // One worker: the tests share one emulator and demo server per worker and run in order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 20_000,
  expect: { timeout: 5_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    headless: true,
    viewport: { width: 1000, height: 900 },
    launchOptions: chromiumLaunchOptions(),
    // Traces double the run time; E2E_TRACE=1 keeps them for failed tests.
    trace: process.env.E2E_TRACE === "1" ? "retain-on-failure" : "off",
  },
});
