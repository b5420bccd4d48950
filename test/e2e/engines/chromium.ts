// Chromium through playwright-core (Debian's /usr/bin/chromium, or CHROMIUM_PATH), all its HTTP
// through the suite's proxy. Playwright starts Chromium with --disable-popup-blocking; we drop
// that flag, yet Chromium under automation still lets every popup through (measured), so the
// tests of a blocked popup give Chromium a stand-in blocker (the probe's `blockPopups`).
import pw, { type BrowserContext, type Page } from "playwright-core";
import { chromiumLaunchOptions } from "../../../scripts/chromium.mjs";
import type { Engine, EngineSession, EngineWindow } from "./driver.js";

export const VIEWPORT = { width: 1000, height: 900 };

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
    call: (source, argument) => page.evaluate(`(${source})(${JSON.stringify(argument)})`),
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
      window = windowOf(page, `chromium-${next++}`);
      windows.set(page, window);
    }
    return window;
  };
  return {
    windows: async () => context.pages().map(wrap),
    newWindow: async () => wrap(await context.newPage()),
    close: () => context.close(),
  };
}

export async function launchChromium({ proxy }: { proxy: string }): Promise<Engine> {
  const startedAt = performance.now();
  const options = chromiumLaunchOptions();
  const browser = await pw.chromium.launch({
    ...options,
    args: [...options.args, `--proxy-server=http://${proxy}`, "--proxy-bypass-list=<-loopback>"],
    ignoreDefaultArgs: ["--disable-popup-blocking"],
    timeout: 30_000,
  });
  const launchMs = performance.now() - startedAt;
  return {
    name: "chromium",
    launchMs,
    newSession: async () => sessionOf(await browser.newContext({ viewport: VIEWPORT })),
    close: () => browser.close(),
  };
}
