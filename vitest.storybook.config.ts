// Storybook's stories as tests: every story renders in Chromium (vitest browser mode, Playwright
// provider), its play function runs, and axe checks it (parameters.a11y.test = "error").
// Run: npx vitest run --config vitest.storybook.config.ts
import { fileURLToPath } from "node:url";
import { storybookTest } from "@storybook/addon-vitest/vitest-plugin";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { chromiumLaunchOptions } from "./scripts/chromium.mjs";

export default defineConfig({
  plugins: [storybookTest({ configDir: fileURLToPath(new URL("./.storybook", import.meta.url)) })],
  test: {
    name: "storybook",
    // One test page at a time: live flows open popups and frames that talk to their story's window.
    fileParallelism: false,
    // A status or error story plays once per shipped locale (8 runs): the slowest, a redirect to
    // the consent page and back in a frame, takes about 20 s on a quiet machine.
    testTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        // Debian's Chromium by default; point CHROMIUM_PATH at Playwright's own build to use that.
        launchOptions: chromiumLaunchOptions(),
      }),
      instances: [{ browser: "chromium" }],
    },
  },
});
