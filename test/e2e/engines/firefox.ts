// Firefox ESR (Debian's /usr/bin/firefox-esr, or FIREFOX_PATH) through puppeteer-core over
// WebDriver BiDi, all its HTTP through the suite's proxy, its popup blocker on
// (`dom.disable_open_during_load`, which puppeteer's profile turns off).
//
// Scripts run through BiDi's script.callFunction with `userActivation: false`: puppeteer's own
// evaluate passes `true`, which hands the page a transient user activation (5 s in Firefox) with
// every call, so a test's locator polls would let any popup through the blocker.
import puppeteer, { type BrowserContext, type Page } from "puppeteer-core";
import type { Engine, EngineSession, EngineWindow } from "./driver.js";
import { stopGroup, trackGroup } from "./processes.js";

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";

/** The slice of puppeteer's BiDi realm (not public API; puppeteer-core is pinned) that we call. */
interface BidiWindowRealm {
  callFunction(
    functionDeclaration: string,
    awaitPromise: boolean,
    options: { arguments: Array<{ type: "string"; value: string }>; userActivation: boolean },
  ): Promise<{ type: "success"; result: { type: string; value?: unknown } } | { type: "exception"; exceptionDetails: { text: string } }>;
}

function realmOf(page: Page): BidiWindowRealm {
  const realm = (page.mainFrame() as unknown as { realms?: { default?: { realm?: BidiWindowRealm } } }).realms?.default?.realm;
  if (!realm || typeof realm.callFunction !== "function") throw new Error("puppeteer-core's BiDi realm is not where this driver expects it (was puppeteer-core upgraded?)");
  return realm;
}

async function call(page: Page, source: string, argument: unknown): Promise<unknown> {
  // The argument and the result cross as JSON strings: no dependence on BiDi's value encoding.
  const wrapper = `async function (json) { const result = await (${source})(JSON.parse(json)); return result === undefined ? "__undefined__" : JSON.stringify(result); }`;
  const answer = await realmOf(page).callFunction(wrapper, true, { arguments: [{ type: "string", value: JSON.stringify(argument) }], userActivation: false });
  if (answer.type === "exception") throw new Error(`evaluation failed: ${answer.exceptionDetails.text}`);
  const text = answer.result.value as string;
  return text === "__undefined__" ? undefined : JSON.parse(text);
}

function windowOf(page: Page, id: string): EngineWindow {
  return {
    id,
    goto: async (url) => {
      await page.goto(url, { waitUntil: "load" });
    },
    reload: async () => {
      await page.reload({ waitUntil: "load" });
    },
    back: async () => {
      await page.goBack({ waitUntil: "load" });
    },
    forward: async () => {
      await page.goForward({ waitUntil: "load" });
    },
    url: async () => page.url(),
    call: (source, argument) => call(page, source, argument),
    clickAt: (x, y) => page.mouse.click(x, y),
    bringToFront: () => page.bringToFront(),
    close: () => page.close(),
    isClosed: async () => page.isClosed(),
  };
}

function sessionOf(context: BrowserContext): EngineSession {
  const windows = new WeakMap<Page, EngineWindow>();
  let next = 0;
  const wrap = (page: Page) => {
    let window = windows.get(page);
    if (!window) {
      window = windowOf(page, `firefox-${next++}`);
      windows.set(page, window);
    }
    return window;
  };
  return {
    windows: async () => (await context.pages()).filter((page) => !page.isClosed()).map(wrap),
    newWindow: async () => wrap(await context.newPage()),
    close: () => context.close(),
  };
}

export async function launchFirefox({ proxy }: { proxy: string }): Promise<Engine> {
  const [host, port] = proxy.split(":");
  const startedAt = performance.now();
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX_PATH,
    protocol: "webDriverBiDi",
    headless: true,
    timeout: 30_000,
    defaultViewport: { width: 1000, height: 900 },
    extraPrefsFirefox: {
      // The popup blocker, on as users have it.
      "dom.disable_open_during_load": true,
      // Every request through the proxy, loopback included (Firefox skips the proxy for localhost otherwise).
      "network.proxy.type": 1,
      "network.proxy.http": host,
      "network.proxy.http_port": Number(port),
      "network.proxy.allow_hijacking_localhost": true,
      "network.proxy.no_proxies_on": "",
    },
  });
  const pid = browser.process()?.pid;
  if (pid) trackGroup(pid, FIREFOX_PATH);
  const launchMs = performance.now() - startedAt;
  return {
    name: "firefox",
    launchMs,
    newSession: async () => sessionOf(await browser.createBrowserContext()),
    close: async () => {
      try {
        await browser.close();
      } finally {
        if (pid) stopGroup(pid);
      }
    },
  };
}
