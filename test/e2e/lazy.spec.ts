// Issue 17, in the browser: a page that renders only ConnectButton, as an app gets it. Its first
// paint comes without the flow part, which a click loads (the popup still opens inside the click),
// a refused load reports and the next click retries, and a page that OpenRouter sent back to loads
// at once, with no interaction.
//
// The page is a Vite production build of such an app (the library from src/, react and react-query
// bundled), built once per worker, served by the recording proxy on the demo's origin (the emulator
// sends the user back there). It has no useAuthCallback: that hook brings the flow part with it,
// as the demo and the harness page do. Its two chunks (the page, the flow part) are checked.
import { fileURLToPath } from "node:url";
import { exchanges, expectCleanUrl, expectLogEndsWith, expectNoSecretsInStorage, maskKey, section, type Network, type Window } from "./fixtures.js";
import { decideInPopup, expect, statusRegion, test as base } from "./support-faults.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PAGE_PATH = "/__e2e__/lazy";

// The app: ConnectButtons (popup, and redirect) with a status log like the demo's, nothing else.
const ENTRY = `
import { createElement as h, Fragment, StrictMode, useCallback, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ConnectButton, maskKey, OpenRouterAuthProvider } from ${JSON.stringify(`${REPO}src/index.ts`)};

const config = window.__E2E_LAZY__;

function App() {
  const [entries, setEntries] = useState([]);
  const [keys, setKeys] = useState({});
  const next = useRef(0);
  const log = useCallback((flow, text) => setEntries((list) => [{ id: next.current++, flow, text }, ...list]), []);
  return h(
    Fragment,
    null,
    h("h1", null, "openrouter-connect: a page with only the button"),
    ["popup", "redirect"].map((flow) =>
      h(
        "section",
        { key: flow, "data-testid": flow + "-section" },
        h(
          ConnectButton,
          {
            mode: flow,
            onKey: (result) => setKeys((all) => ({ ...all, [flow]: result })),
            onStatusChange: (status) => log(flow, status),
            onError: (error) => log(flow, "error: " + error.code),
          },
          flow === "popup" ? "Connect OpenRouter" : "Connect in this tab",
        ),
        h("p", { "data-testid": flow + "-key" }, keys[flow] ? maskKey(keys[flow].key) : "No key yet."),
      ),
    ),
    h("ol", { "data-testid": "status-log" }, entries.map((entry) => h("li", { key: entry.id, "data-flow": entry.flow }, h("span", { className: "text" }, entry.text)))),
  );
}

createRoot(document.getElementById("root")).render(
  h(StrictMode, null,
    h(QueryClientProvider, { client: new QueryClient() },
      h(OpenRouterAuthProvider, { authUrl: config.authUrl, baseUrl: config.baseUrl, appTitle: "openrouter-connect e2e lazy" }, h(App)))),
);
`;

interface LazyBundle {
  /** Chunk path (under PAGE_PATH) -> code. */
  files: Map<string, string>;
  entry: string;
  /** The flow part's chunk: what only an import() loads. */
  flowPart: string;
}

/** Builds the page with Vite for production, in memory. */
async function buildLazyPage(): Promise<LazyBundle> {
  const [{ build }, { default: react }] = await Promise.all([import("vite"), import("@vitejs/plugin-react")]);
  const id = "e2e-lazy-entry";
  const result = await build({
    configFile: false,
    root: REPO,
    base: `${PAGE_PATH}/`,
    logLevel: "warn",
    mode: "production",
    plugins: [react(), { name: id, resolveId: (source: string) => (source === id ? `\0${id}` : undefined), load: (source: string) => (source === `\0${id}` ? ENTRY : undefined) }],
    build: { write: false, sourcemap: false, reportCompressedSize: false, rollupOptions: { input: id } },
  });
  const chunks = (Array.isArray(result) ? result : [result]).flatMap((output) => ("output" in output ? output.output : [])).filter((item) => item.type === "chunk");
  const entry = chunks.find((chunk) => chunk.isEntry);
  const lazy = chunks.filter((chunk) => chunk.isDynamicEntry);
  if (!entry || lazy.length !== 1 || chunks.length !== 2) throw new Error(`the page should build into itself and one flow part, got ${chunks.map((c) => c.fileName).join(", ")}`);
  return { files: new Map(chunks.map((chunk) => [`${PAGE_PATH}/${chunk.fileName}`, chunk.code])), entry: `${PAGE_PATH}/${entry.fileName}`, flowPart: `${PAGE_PATH}/${lazy[0]?.fileName}` };
}

interface LazyPage {
  url: string;
  /** The flow part's path on the page's origin. */
  flowPart: string;
  /** Requests for the flow part so far. */
  flowPartRequests: () => number;
  /** Answer the flow part's requests with 404 (a deploy that removed it, a CSP-like refusal), or serve it again. */
  refuseFlowPart: (refuse: boolean) => void;
  /** Hold the flow part's answers this long (a slow network), so a click surely comes before it. */
  delayFlowPart: (ms: number) => void;
}

const test = base.extend<{ lazyPage: LazyPage }, { lazyBundle: LazyBundle }>({
  lazyBundle: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, provide) => {
      await provide(await buildLazyPage());
    },
    { scope: "worker", timeout: 60_000 },
  ],
  lazyPage: async ({ network, demo, emulator, lazyBundle }, provide) => {
    const origin = new URL(demo.url).origin;
    let refuse = false;
    let delay = 0;
    const noStore = { "Cache-Control": "no-store" };
    network.route(async ({ method, url }) => {
      if (url.origin !== origin || method !== "GET") return undefined;
      if (url.pathname === PAGE_PATH) {
        const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>openrouter-connect e2e: a page with only the button</title><script src="${PAGE_PATH}/config.js"></script><script type="module" src="${lazyBundle.entry}"></script></head><body><div id="root"></div></body></html>`;
        return { status: 200, headers: { "Content-Type": "text/html; charset=utf-8", "Referrer-Policy": "no-referrer", ...noStore }, body: html };
      }
      if (url.pathname === `${PAGE_PATH}/config.js`) {
        const config = { authUrl: emulator.authUrl, baseUrl: emulator.apiBaseUrl };
        return { status: 200, headers: { "Content-Type": "text/javascript; charset=utf-8", ...noStore }, body: `window.__E2E_LAZY__ = ${JSON.stringify(config)};\n` };
      }
      const code = lazyBundle.files.get(url.pathname);
      if (code === undefined) return undefined;
      if (url.pathname === lazyBundle.flowPart) {
        if (refuse) return { status: 404, headers: { "Content-Type": "text/plain", ...noStore }, body: "not found" };
        if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      }
      return { status: 200, headers: { "Content-Type": "text/javascript; charset=utf-8", ...noStore }, body: code };
    });
    await provide({
      url: `${origin}${PAGE_PATH}`,
      flowPart: lazyBundle.flowPart,
      flowPartRequests: () => flowPartRequests(network, origin + lazyBundle.flowPart),
      refuseFlowPart: (value) => void (refuse = value),
      delayFlowPart: (ms) => void (delay = ms),
    });
  },
});

function flowPartRequests(network: Network, url: string): number {
  return network.requests().filter((request) => request.url === url).length;
}

/** The page has painted its buttons; the test then waits a moment in which nothing may load. */
async function painted(page: Window): Promise<void> {
  await expect(section(page, "popup").getByRole("button", { name: "Connect OpenRouter" })).toBeVisible();
  await expect(section(page, "redirect").getByRole("button", { name: "Connect in this tab" })).toBeVisible();
  await page.waitForTimeout(300);
}

test.describe("a page with only ConnectButton (issue 17)", () => {
  test("paints without the flow part; a cold click opens the popup inside the click, loads the flow part and exchanges once", async ({
    page,
    session,
    emulator,
    lazyPage,
    windowOpens,
  }) => {
    await page.goto(lazyPage.url);
    await painted(page);
    expect(lazyPage.flowPartRequests(), "the flow part before any interaction").toBe(0);

    // The flow part takes its time: the click (and its window) comes before it, whatever the hover did.
    lazyPage.delayFlowPart(400);
    const button = section(page, "popup").getByRole("button", { name: "Connect OpenRouter" });
    const popup = await session.waitForWindow(() => button.click(), { timeout: 10_000 });
    const [open, ...moreOpens] = await windowOpens();
    expect(moreOpens, "one window").toEqual([]);
    expect(open, "window.open ran inside the click, blank, as the popup").toMatchObject({ event: "click", url: "", target: "openrouter-connect", blocked: false });
    expect(lazyPage.flowPartRequests()).toBe(1);
    await expect(popup.getByRole("button", { name: "Approve" })).toBeVisible();
    expect(await popup.url()).toContain(`${emulator.authUrl}?`);

    await decideInPopup(popup, "Approve");
    await expectLogEndsWith(page, "popup", ["opening", "awaiting-approval", "exchanging", "connected"]);
    await expect.poll(() => exchanges(emulator).ok.length).toBe(1);
    expect(exchanges(emulator).all, "exactly one exchange").toHaveLength(1);
    await expect(page.getByTestId("popup-key")).toHaveText(maskKey(exchanges(emulator).ok[0]?.key as string));
    await expect.poll(() => popup.isClosed(), { message: "the popup's callback page (this page, which loaded its flow part at once) closes itself" }).toBe(true);
    await expectNoSecretsInStorage(page, emulator);
  });

  test("a refused flow part (404): load_failed in words, the popup closed; the next click loads it again and works", async ({ page, session, emulator, lazyPage }) => {
    await page.goto(lazyPage.url);
    await painted(page);
    lazyPage.refuseFlowPart(true);
    const button = () => section(page, "popup").getByRole("button", { name: "Connect OpenRouter" });
    await button().click();
    await expectLogEndsWith(page, "popup", ["opening", "error", "error: load_failed"]);
    await expect(statusRegion(page, "popup")).toHaveText("Part of this page did not load. Check your connection, then try again or reload the page.");
    await expect(button()).toHaveAttribute("data-state", "error");
    await expect.poll(async () => (await session.windows()).length, { message: "the blank popup is closed" }).toBe(1);
    // One request each in Chromium and Firefox; WebKit asks three times before it gives up.
    let asked = lazyPage.flowPartRequests();
    expect(asked).toBeGreaterThanOrEqual(1);

    lazyPage.refuseFlowPart(false);
    if (page.engine === "firefox") {
      // Firefox keeps a module that failed to load in its module map: the next click's import()
      // gets the same failure without asking the network (measured: still one request). The
      // button says so again; a reload of the page clears it (hence the text's "or reload").
      await button().click();
      await expectLogEndsWith(page, "popup", ["error: load_failed", "opening", "error", "error: load_failed"]);
      await expect.poll(async () => (await session.windows()).length, { message: "the blank popup is closed" }).toBe(1);
      expect(lazyPage.flowPartRequests(), "Firefox asked no one").toBe(asked);
      await page.reload();
      await painted(page);
      asked = lazyPage.flowPartRequests();
    }
    const popup = await session.waitForWindow(() => button().click(), { timeout: 10_000 });
    expect(lazyPage.flowPartRequests(), "the flow part asked for again").toBe(asked + 1);
    await expect(popup.getByRole("button", { name: "Approve" })).toBeVisible();
    await decideInPopup(popup, "Approve");
    await expectLogEndsWith(page, "popup", ["opening", "awaiting-approval", "exchanging", "connected"]);
    expect(exchanges(emulator).all, "exactly one exchange").toHaveLength(1);
    expect(exchanges(emulator).ok).toHaveLength(1);
  });

  test("a redirect's return loads the flow part at once, with no interaction, and finishes the exchange", async ({ page, emulator, lazyPage }) => {
    await page.goto(lazyPage.url);
    await painted(page);
    await section(page, "redirect").getByRole("button", { name: "Connect in this tab" }).click();
    await page.waitForURL((url) => url.href.startsWith(emulator.authUrl));
    const before = lazyPage.flowPartRequests();
    await page.getByRole("button", { name: "Approve" }).click();
    // Back on the page: nobody touches it; the flow part comes because the page carries ?code=.
    await page.waitForURL((url) => url.pathname === PAGE_PATH);
    await expect(page.getByTestId("redirect-key")).toHaveText(/^sk-or-v1-…/, { timeout: 10_000 });
    expect(lazyPage.flowPartRequests(), "the returned page loaded the flow part by itself").toBe(before + 1);
    expect(exchanges(emulator).all, "exactly one exchange").toHaveLength(1);
    await expect(page.getByTestId("redirect-key")).toHaveText(maskKey(exchanges(emulator).ok[0]?.key as string));
    await expectLogEndsWith(page, "redirect", ["exchanging", "connected"]);
    await expectCleanUrl(page);
    await expectNoSecretsInStorage(page, emulator);
  });
});
