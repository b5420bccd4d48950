import { defineConfig } from "@playwright/test";
import type { EngineName } from "./engines/driver.js";

// Browser tests of the connect flows, one suite in three engines: Chromium (playwright-core),
// Firefox ESR (puppeteer-core over WebDriver BiDi) and WebKitGTK (selenium-webdriver and
// WebKitWebDriver on an Xvfb display), each a project of this config, driven through one
// interface (engines/driver.ts). Every engine drives the built demo (demo/dist, built by
// global-setup.ts) against the local OpenRouter emulator, both started in the worker
// (fixtures.ts), with all its HTTP through a recording proxy of the test process (engines/proxy.ts).
//   npx playwright test -c test/e2e/playwright.config.ts --project firefox
// Binaries: CHROMIUM_PATH, FIREFOX_PATH, WEBKIT_WEBDRIVER, WEBKIT_MINIBROWSER (Debian's by default).
const engines: EngineName[] = ["chromium", "firefox", "webkit"];

export default defineConfig<{ engineName: EngineName }, { engineName: EngineName }>({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  globalSetup: "./global-setup.ts",
  globalTeardown: "./global-teardown.ts",
  outputDir: "../../test-results/e2e",
  // One worker: the tests share one emulator, proxy and browser per worker and run in order; the
  // machine has two cores, so engines run one after another, never side by side.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [["list"], ["./engines/reporter.ts"]],
  projects: engines.map((engineName) => ({ name: engineName, use: { engineName } })),
});
