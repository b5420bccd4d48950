import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// `npm test` runs the "unit" project: core, emulator and React tests in Node/jsdom,
// against msw or the real emulator over loopback HTTP. Browser suites live elsewhere
// (Playwright e2e, Storybook play functions) and are run by .ci/run.
export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.{ts,tsx}"],
          exclude: ["test/e2e/**", "node_modules/**"],
          environment: "node",
          setupFiles: ["test/setup.ts"],
          testTimeout: 10_000,
        },
      },
    ],
  },
});
