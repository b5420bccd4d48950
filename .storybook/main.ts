import type { StorybookConfig } from "@storybook/react-vite";
import { openRouterEmulatorPage } from "./emulator-page-plugin.js";

const config: StorybookConfig = {
  stories: ["../stories/**/*.mdx", "../stories/**/*.stories.@(ts|tsx)"],
  addons: ["@storybook/addon-docs", "@storybook/addon-a11y", "@storybook/addon-vitest"],
  framework: { name: "@storybook/react-vite", options: {} },
  // msw's service worker (public/mockServiceWorker.js), served at the root in dev, build and vitest.
  staticDirs: ["../public"],
  // No network here, and nothing to report.
  core: { disableTelemetry: true },
  typescript: { reactDocgen: "react-docgen" },
  viteFinal: (viteConfig) => ({
    ...viteConfig,
    // The emulator page (consent, popup callback, redirect app): see ./emulator-page-plugin.ts.
    plugins: [...(viteConfig.plugins ?? []), openRouterEmulatorPage()],
    build: {
      ...viteConfig.build,
      rolldownOptions: {
        ...viteConfig.build?.rolldownOptions,
        // 'use client' (this library's and react-query's) means nothing in Storybook's bundle.
        onLog(level, log, handler) {
          if (log.code !== "MODULE_LEVEL_DIRECTIVE") handler(level, log);
        },
      },
    },
  }),
};

export default config;
