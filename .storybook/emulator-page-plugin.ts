// Serves (dev, vitest) and emits (static build) `openrouter-emulator.html`, a small page of its
// own next to Storybook's iframe.html. It stands in for the pages a browser *navigates* to during
// a flow, which a service worker (msw) never intercepts: OpenRouter's consent page, the popup's
// callback page, and an "app tab" for the redirect flow. The page itself is story support code:
// ../stories/support/emulator/page.tsx and ./bridge.ts beside it.
//
// Storybook's iframe.html can't play this part: the vitest run (@storybook/addon-vitest) has no
// iframe.html, only its own test runner page. This plugin is applied through `viteFinal`, which
// both `storybook dev|build` and the vitest plugin use, so the page exists in all three.
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { EMULATOR_PAGE } from "../stories/support/emulator/urls.js";

const ENTRY = fileURLToPath(new URL("../stories/support/emulator/page.tsx", import.meta.url));

function pageHtml(scriptSrc: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OpenRouter emulator</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="root"></div>
<script type="module" src="${scriptSrc}"></script>
</body>
</html>
`;
}

export function openRouterEmulatorPage(): Plugin[] {
  let entryRef = "";
  return [
    {
      name: "openrouter-emulator-page:serve",
      apply: "serve",
      // Known up front, so Vite never re-optimizes (and reloads every page) when a popup first loads it.
      config: () => ({
        optimizeDeps: { include: ["msw", "msw/browser", "react", "react-dom/client", "react/jsx-dev-runtime", "@tanstack/react-query", "zod/mini"] },
      }),
      configureServer(server) {
        server.middlewares.use((req, res, next) => {
          const path = (req.url ?? "").split("?")[0] ?? "";
          if (!path.endsWith(`/${EMULATOR_PAGE}`)) return next();
          server
            .transformIndexHtml(req.url ?? `/${EMULATOR_PAGE}`, pageHtml(`/@fs${ENTRY}`))
            .then((html) => {
              res.setHeader("Content-Type", "text/html; charset=utf-8");
              res.setHeader("Cache-Control", "no-store");
              res.end(html);
            })
            .catch(next);
        });
      },
    },
    {
      name: "openrouter-emulator-page:build",
      apply: "build",
      buildStart() {
        entryRef = this.emitFile({ type: "chunk", id: ENTRY, name: "openrouter-emulator" });
      },
      generateBundle() {
        this.emitFile({ type: "asset", fileName: EMULATOR_PAGE, source: pageHtml(`./${this.getFileName(entryRef)}`) });
      },
    },
  ];
}
