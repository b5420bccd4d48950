// The button's click in a real browser (issue 17), a section of `npm run bench`, or on its own:
//
//   npm run build && npx tsx scripts/bench-button.ts [--runs 20] [--json]
//
// From the click on <ConnectButton> to the popup being sent to the consent page, in Chromium on
// loopback. The app is a Vite production build of a page that renders only the button (react,
// react-dom and react-query bundled in, "openrouter-connect" from dist/ through its exports),
// served by a static server here, against the local emulator. Each run is a fresh browser
// context (an empty HTTP cache: a first visit), in two cases:
//   - hover: the pointer rests on the button first, which prefetches the flow part; the click
//     comes once the flow part's chunk has arrived (and 50 ms more, a quick hand);
//   - cold: the click is the first interaction (Playwright's click moves the pointer onto the
//     button and presses at once, so the prefetch starts a few ms before the click).
// The click's time is its event's timestamp in the page (performance.timeOrigin + timeStamp); the
// navigation's is the consent request's start in Chromium's network stack (Playwright's
// request.timing().startTime); both are the browser's wall clock. Creating the popup window
// (window.open, synchronous) takes most of that time in headless Chromium, so the time from
// window.open's return to the request, the library's own part, is printed too. Each run also checks that the
// popup opened inside the click (`window.event.type` at window.open) and counts the runs.
// Printed, not judged: loopback and a shared two-core machine make these figures a guide.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import pw from "playwright-core";
import { chromiumLaunchOptions } from "./chromium.mjs";

/** The eager button, measured before issue 17 split it: `main` at b9d2ee2, this script, this machine. */
export const EAGER_REFERENCE = {
  source: "main at b9d2ee2 (one 18,844 B chunk, nothing to load on click), this script on a copy of it, 20 runs per case, 2-core box shared with other jobs (load average 4-8)",
  hover: { median: 78.6, worst: 151.5, afterOpen: { median: 11.5, worst: 33.8 } },
  cold: { median: 97.3, worst: 204.7, afterOpen: { median: 12.7, worst: 24.9 } },
};

const BENCH_APP = `import { createElement as h } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ConnectButton, OpenRouterAuthProvider } from "openrouter-connect";
const config = window.__BENCH__;
createRoot(document.getElementById("root")).render(
  h(QueryClientProvider, { client: new QueryClient() },
    h(OpenRouterAuthProvider, { authUrl: config.authUrl, baseUrl: config.baseUrl },
      h(ConnectButton, { onKey: (result) => console.log(result.userId) }))));
`;

export interface ClickTimings {
  case: "hover" | "cold";
  runs: number;
  /** ms from the click to the consent page's request, per run, in order. */
  samples: number[];
  median: number;
  worst: number;
  /**
   * From window.open's return to the consent request: the library's own part (PKCE, and the wait
   * for the flow part), without the browser's time to create the window (tens of ms in headless
   * Chromium, far more under load), which the click's figure includes.
   */
  afterOpen: { median: number; worst: number };
  /** Runs whose popup opened inside the click (`window.event.type === "click"` at window.open). */
  insideClick: number;
  /** Runs that fetched the flow part's chunk (0 for an eager build). */
  fetchedFlowPart: number;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** Serves the built app (index.html and its chunks) on loopback; the config script names the emulator. */
async function serve(files: Map<string, string>, config: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/config.js") return void res.writeHead(200, { "Content-Type": "text/javascript" }).end(config);
    const body = files.get(path === "/" ? "/index.html" : path);
    if (body === undefined) return void res.writeHead(404).end("not found");
    res.writeHead(200, { "Content-Type": path.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8" }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

export async function benchButtonClick({ runs = 20 }: { runs?: number } = {}): Promise<ClickTimings[] | string> {
  if (!existsSync(new URL("../dist/index.js", import.meta.url))) return "skipped, dist/ is missing (run `npm run build` first)";
  const { viteBuild } = (await import(new URL("./size.mjs", import.meta.url).href)) as {
    viteBuild: (code: string, options: { external: boolean }) => Promise<{ chunks: Array<{ fileName: string; code: string }>; initial: Array<{ fileName: string }>; lazy: Array<{ fileName: string }> }>;
  };
  const { startOpenRouterEmulator } = await import("../src/emulator/index.js");
  const built = await viteBuild(BENCH_APP, { external: false });
  const entry = built.initial[0]?.fileName as string;
  const files = new Map(built.chunks.map((chunk) => [`/${chunk.fileName}`, chunk.code]));
  files.set("/index.html", `<!doctype html><html><head><meta charset="utf-8"><title>bench</title><script src="/config.js"></script><script type="module" src="/${entry}"></script></head><body><div id="root"></div></body></html>`);
  const lazyFiles = new Set(built.lazy.map((chunk) => `/${chunk.fileName}`));

  const emulator = await startOpenRouterEmulator({ port: 0 });
  const site = await serve(files, `window.__BENCH__ = ${JSON.stringify({ authUrl: emulator.authUrl, baseUrl: emulator.apiBaseUrl })};`);
  const browser = await pw.chromium.launch({ ...chromiumLaunchOptions(), headless: true });
  try {
    const results: ClickTimings[] = [];
    for (const which of ["hover", "cold"] as const) {
      const samples: number[] = [];
      const afterOpen: number[] = [];
      let insideClick = 0;
      let fetchedFlowPart = 0;
      for (let i = 0; i < runs + 2; i++) {
        const context = await browser.newContext();
        try {
          await context.addInitScript(() => {
            const w = window as unknown as { __clickAt?: number; __openedIn?: string | null; __openedAt?: number };
            addEventListener("click", (event) => void (w.__clickAt ??= performance.timeOrigin + event.timeStamp), true);
            const open = window.open;
            window.open = function (...args: Parameters<typeof window.open>) {
              w.__openedIn = window.event ? window.event.type : null;
              try {
                return open.apply(this, args);
              } finally {
                w.__openedAt = performance.timeOrigin + performance.now();
              }
            };
          });
          let flowPart = false;
          context.on("request", (request) => {
            if (lazyFiles.has(new URL(request.url()).pathname)) flowPart = true;
          });
          const consent = new Promise<number>((resolve) => {
            context.on("requestfinished", (request) => {
              if (request.url().startsWith(emulator.authUrl)) resolve(request.timing().startTime);
            });
          });
          const page = await context.newPage();
          await page.goto(site.url);
          const button = page.getByRole("button", { name: "Connect OpenRouter" });
          await button.waitFor();
          if (which === "hover") {
            const arrived = lazyFiles.size ? page.waitForResponse((response) => lazyFiles.has(new URL(response.url()).pathname)) : Promise.resolve();
            await button.hover();
            await arrived;
            await page.waitForTimeout(50);
          }
          await button.click();
          const navigatedAt = await consent;
          const { clickedAt, openedAt, openedIn } = await page.evaluate(() => {
            const w = window as unknown as { __clickAt: number; __openedAt: number; __openedIn?: string | null };
            return { clickedAt: w.__clickAt, openedAt: w.__openedAt, openedIn: w.__openedIn ?? null };
          });
          // The first two runs warm the browser and the servers up.
          if (i < 2) continue;
          samples.push(navigatedAt - clickedAt);
          afterOpen.push(navigatedAt - openedAt);
          if (openedIn === "click") insideClick++;
          if (flowPart) fetchedFlowPart++;
        } finally {
          await context.close();
        }
      }
      results.push({
        case: which,
        runs,
        samples,
        median: quantile(samples, 0.5),
        worst: Math.max(...samples),
        afterOpen: { median: quantile(afterOpen, 0.5), worst: Math.max(...afterOpen) },
        insideClick,
        fetchedFlowPart,
      });
    }
    return results;
  } finally {
    await browser.close();
    site.server.close();
    await emulator.close();
  }
}

/** The lines `npm run bench` prints for these timings, beside the eager reference. */
export function describeClickTimings(results: ClickTimings[] | string): string[] {
  if (typeof results === "string") return [`click -> consent page (Chromium): ${results}`];
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return [
    "click -> popup sent to the consent page, Chromium on loopback, fresh context per run (printed, not judged):",
    ...results.map((r) => {
      const eager = EAGER_REFERENCE[r.case];
      return [
        `  ${r.case.padEnd(5)}  click -> consent: median ${ms(r.median)}, worst ${ms(r.worst)} of ${r.runs} (eager: median ${ms(eager.median)}, worst ${ms(eager.worst)})`,
        `         window.open returned -> consent: median ${ms(r.afterOpen.median)}, worst ${ms(r.afterOpen.worst)} (eager: median ${ms(eager.afterOpen.median)}, worst ${ms(eager.afterOpen.worst)})`,
        `         popup opened inside the click ${r.insideClick}/${r.runs}; flow part fetched ${r.fetchedFlowPart}/${r.runs}`,
      ].join("\n");
    }),
    `  eager reference: ${EAGER_REFERENCE.source}`,
  ];
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const runsArg = process.argv.indexOf("--runs");
  const results = await benchButtonClick({ runs: runsArg === -1 ? 20 : Number(process.argv[runsArg + 1]) });
  if (process.argv.includes("--json")) console.log(JSON.stringify(results, null, 2));
  else console.log(describeClickTimings(results).join("\n"));
}
