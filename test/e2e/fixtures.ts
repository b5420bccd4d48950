// The e2e suite's fixtures, one set for every engine (the project picks it: chromium, firefox or
// webkit; see playwright.config.ts). Per worker: the demo server with its emulator, the recording
// proxy every browser sends its HTTP through, and the engine. Per test: a fresh isolated browser
// (`session`) with its first window (`page`), the network as the proxy saw it (`network`), and a
// page-error watch that fails the test on any uncaught error, unhandled rejection, console.error
// or CSP violation in any window of the test (see pageErrors below).
import { createHash } from "node:crypto";
import { expect as baseExpect, test as playwrightTest, type TestType } from "@playwright/test";
import type { RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { startDemoServer, type RunningDemoServer } from "../../scripts/demo-server.js";
import { launchChromium } from "./engines/chromium.js";
import { BrowserSession, DEFAULT_TIMEOUT, Locator, probeScript, sleep, withDeadline, type Engine, type EngineName, type ProbeOptions, type Window } from "./engines/driver.js";
import { launchFirefox } from "./engines/firefox.js";
import { REPORT_PATH, startRecordingProxy, type PageReport, type ProxiedRequest, type RecordingProxy, type RouteHandler } from "./engines/proxy.js";
import { launchWebKit } from "./engines/webkit.js";

export type { Window, EngineName };
export { Locator };

export type Flow = "popup" | "redirect" | "minted" | "paste" | "persisted" | "server";

export interface WindowOpenCall {
  /** `window.event.type` when window.open ran: "click" when it ran inside the click handler. */
  event: string | null;
  url: string;
  target: string | null;
  /** window.open answered null: the engine's popup blocker (or the stand-in) stopped it. */
  blocked: boolean;
  /** What the opener could see of the window, as it changed: same-origin, cross-origin, closed. */
  views: Array<{ view: "same-origin" | "cross-origin" | "closed"; ms: number }>;
}

/** A fetch the page's scripts made (recorded by the page probe): what the library asked for. */
export interface PageFetch {
  method: string;
  url: string;
  body: string | null;
  json(): unknown;
}

/** The network as this test's browser used it (the recording proxy, reset for every test). */
export interface Network {
  /** Every request the browser sent (the probe's own reports left out), in order. */
  requests(): ProxiedRequest[];
  /** Every report of the page probes of this test's windows. */
  reports(): PageReport[];
  /** The fetches the pages' scripts made. */
  fetches(): PageFetch[];
  /** Answers matching requests in the test's place (see proxy.ts). */
  route(handler: RouteHandler): void;
  /** Options of the page probe for documents loaded from now on. */
  probe(options: ProbeOptions): void;
}

export interface PageErrors {
  /** Accepts page errors matching `pattern` in this test, for the reason given. */
  allow(pattern: RegExp, why: string): void;
  /** The page errors so far, as they will be judged. */
  list(): string[];
}

interface WorkerFixtures {
  engineName: EngineName;
  demoServer: RunningDemoServer;
  recordingProxy: RecordingProxy;
  engine: Engine;
}

interface TestFixtures {
  demo: RunningDemoServer;
  emulator: RunningOpenRouterEmulator;
  network: Network;
  session: BrowserSession;
  page: Window;
  pageErrors: PageErrors;
  /** Every window.open call the test's first page made. */
  windowOpens: () => Promise<WindowOpenCall[]>;
}

const LAUNCH: Record<EngineName, (options: { proxy: string }) => Promise<Engine>> = {
  chromium: launchChromium,
  firefox: launchFirefox,
  webkit: launchWebKit,
};

/**
 * Known noise, named one by one. Firefox and WebKit fetch `/favicon.ico` for every page on their
 * own, and the emulator's pages forbid images (`default-src 'none'`), so each consent page shows
 * a CSP violation for that request: the browser's request, not the page's, and nothing the app
 * does. Only that request of only such a page passes; any other violation fails the test.
 */
function isKnownNoise(report: PageReport): boolean {
  if (report.kind !== "csp") return false;
  try {
    const blocked = new URL(String(report.blocked));
    const page = new URL(report.href);
    return blocked.origin === page.origin && blocked.pathname === "/favicon.ico" && String(report.policy).includes("default-src 'none'") && /^(img-src|default-src)/.test(String(report.directive));
  } catch {
    return false;
  }
}

function describeError(report: PageReport): string | undefined {
  if (report.kind === "error") return `page error in ${report.href}: ${String(report.message)}`;
  if (report.kind === "console" && report.level === "error") return `console.error in ${report.href}: ${String(report.text)}`;
  if (report.kind === "csp" && !isKnownNoise(report)) return `CSP violation in ${report.href}: ${String(report.directive)} blocked ${String(report.blocked)}`;
  return undefined;
}

// Playwright's runner, without its own browser fixtures in the types (`page`, `context`,
// `browser` would launch Playwright's browser; this suite's `page` is the engine's window).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
const base = playwrightTest as unknown as TestType<{}, {}>;

export const test = base.extend<TestFixtures, WorkerFixtures>({
  engineName: ["chromium", { option: true, scope: "worker" }],
  demoServer: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, provide) => {
      const demo = await startDemoServer({ port: 0, emulatorPort: 0, preview: true });
      await provide(demo);
      await demo.close();
    },
    { scope: "worker" },
  ],
  recordingProxy: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, provide) => {
      const proxy = await startRecordingProxy({ probe: probeScript() });
      await provide(proxy);
      await proxy.close();
    },
    { scope: "worker" },
  ],
  engine: [
    async ({ engineName, recordingProxy }, provide) => {
      const engine = await LAUNCH[engineName]({ proxy: recordingProxy.hostPort });
      process.stdout.write(`[e2e ${engineName}] engine started in ${Math.round(engine.launchMs)} ms\n`);
      try {
        await provide(engine);
      } finally {
        await withDeadline(engine.close(), 20_000, `close ${engineName}`);
      }
    },
    { scope: "worker", timeout: 60_000 },
  ],
  demo: async ({ demoServer }, provide) => {
    demoServer.emulator?.reset(); // forgets codes, keys, events and faults of earlier tests
    await provide(demoServer);
  },
  emulator: async ({ demo }, provide) => {
    if (!demo.emulator) throw new Error("the e2e tests need the emulator");
    await provide(demo.emulator);
  },
  network: async ({ recordingProxy: proxy }, provide) => {
    proxy.reset();
    const own = (request: ProxiedRequest) => new URL(request.url).pathname !== REPORT_PATH;
    await provide({
      requests: () => proxy.requests().filter(own),
      reports: () => proxy.reports(),
      fetches: () =>
        proxy
          .reports()
          .filter((report) => report.kind === "fetch")
          .map((report) => {
            const body = (report.body as string | null) ?? null;
            return { method: String(report.method), url: String(report.url), body, json: () => JSON.parse(body ?? "null") as unknown };
          }),
      route: (handler) => {
        proxy.route(handler);
      },
      probe: (options) => proxy.setProbe(probeScript(options)),
    });
    proxy.reset();
  },
  pageErrors: async ({ network }, provide) => {
    const allowed: Array<{ pattern: RegExp; why: string }> = [];
    const list = () =>
      network
        .reports()
        .map(describeError)
        .filter((text): text is string => text !== undefined)
        .filter((text) => !allowed.some(({ pattern }) => pattern.test(text)));
    await provide({
      allow: (pattern, why) => {
        allowed.push({ pattern, why });
      },
      list,
    });
    const errors = list();
    baseExpect(errors, "page errors (uncaught errors, unhandled rejections, console.error, CSP violations)").toEqual([]);
  },
  session: async ({ engine, network, pageErrors }, provide, testInfo) => {
    void pageErrors; // the error watch ends after the browser closed: nothing is missed
    const session = new BrowserSession(engine.name, await engine.newSession());
    try {
      await provide(session);
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach("diagnostics", { body: await diagnostics(session, network), contentType: "text/plain" });
    } finally {
      await session.close();
    }
  },
  page: async ({ session }, provide) => {
    const [first] = await session.windows();
    await provide(first ?? (await session.newWindow()));
  },
  windowOpens: async ({ page }, provide) => {
    await provide(() => page.evaluate(() => (window as unknown as { __e2e: { opens: WindowOpenCall[] } }).__e2e.opens));
  },
});

/** What a failed test's windows showed and what went over the network, for its report. */
async function diagnostics(session: BrowserSession, network: Network): Promise<string> {
  const lines: string[] = [];
  for (const window of await session.windows().catch(() => [])) {
    const text = await window.evaluate(() => document.body?.innerText ?? "").catch((error: Error) => `(unreadable: ${error.message})`);
    lines.push(`== window ${await window.describe()}`, text.slice(0, 4000));
  }
  lines.push("== requests", ...network.requests().map((r) => `${r.method} ${r.url} -> ${r.status ?? "-"} ${r.outcome}`));
  lines.push("== page reports", ...network.reports().filter((r) => r.kind !== "digest").map((r) => JSON.stringify(r).slice(0, 400)));
  const text = lines.join("\n");
  if (process.env.E2E_DEBUG === "1") process.stdout.write(`${text}\n`);
  return text;
}

// ---------------------------------------------------------------- expect, for locators

type MatcherContext = { isNot: boolean; timeout?: number };

/** Polls `check` until it gives the wanted answer (negated under `.not`) or the time is up. */
async function pollMatcher(
  context: MatcherContext,
  locator: Locator,
  name: string,
  expected: unknown,
  check: () => Promise<{ pass: boolean; actual: unknown }>,
  timeout?: number,
) {
  const deadline = Date.now() + (timeout ?? context.timeout ?? DEFAULT_TIMEOUT);
  let last: { pass: boolean; actual: unknown } = { pass: false, actual: undefined };
  let error: unknown;
  for (;;) {
    try {
      last = await check();
      error = undefined;
      if (last.pass !== context.isNot) break;
    } catch (caught) {
      error = caught;
    }
    if (Date.now() >= deadline) break;
    await sleep(50);
  }
  const why = error instanceof Error ? `\nLast error: ${error.message.split("\n")[0]}` : "";
  return {
    pass: last.pass,
    name,
    expected,
    actual: last.actual,
    message: () =>
      `expect(${locator}).${context.isNot ? "not." : ""}${name}(${JSON.stringify(expected)}) in ${locator.window.engine}\nExpected: ${JSON.stringify(expected)}\nReceived: ${JSON.stringify(last.actual)}${why}`,
  };
}

const normalize = (text: string) => text.replace(/\s+/g, " ").trim();
const textMatches = (actual: string, expected: string | RegExp, contains: boolean) =>
  typeof expected === "string" ? (contains ? actual.includes(normalize(expected)) : actual === normalize(expected)) : expected.test(actual);

export const expect = baseExpect.extend({
  async toHaveText(this: MatcherContext, locator: Locator, expected: string | RegExp, options: { timeout?: number } = {}) {
    return pollMatcher(this, locator, "toHaveText", String(expected), async () => {
      const state = await locator.state();
      return { pass: state.count === 1 && textMatches(state.text ?? "", expected, false), actual: state.count === 1 ? state.text : `${state.count} matches` };
    }, options.timeout);
  },
  async toContainText(this: MatcherContext, locator: Locator, expected: string | RegExp, options: { timeout?: number } = {}) {
    return pollMatcher(this, locator, "toContainText", String(expected), async () => {
      const state = await locator.state();
      return { pass: state.count === 1 && textMatches(state.text ?? "", expected, true), actual: state.count === 1 ? state.text : `${state.count} matches` };
    }, options.timeout);
  },
  async toBeVisible(this: MatcherContext, locator: Locator, options: { timeout?: number } = {}) {
    return pollMatcher(this, locator, "toBeVisible", "visible", async () => {
      const state = await locator.state();
      if (state.count > 1) throw new Error(`${locator} matches ${state.count} elements`);
      return { pass: state.count === 1 && state.visible === true, actual: state.count === 0 ? "no match" : state.visible ? "visible" : "hidden" };
    }, options.timeout);
  },
  async toBeEnabled(this: MatcherContext, locator: Locator, options: { timeout?: number } = {}) {
    return pollMatcher(this, locator, "toBeEnabled", "enabled", async () => {
      const state = await locator.state();
      return { pass: state.count === 1 && state.enabled === true, actual: state.count === 1 ? (state.enabled ? "enabled" : "disabled") : `${state.count} matches` };
    }, options.timeout);
  },
  async toHaveAttribute(this: MatcherContext, locator: Locator, name: string, value: string | RegExp, options: { timeout?: number } = {}) {
    return pollMatcher(this, locator, "toHaveAttribute", `${name}=${String(value)}`, async () => {
      const state = await locator.state();
      const actual = state.count === 1 ? (state.attributes?.[name] ?? null) : null;
      return { pass: actual !== null && (typeof value === "string" ? actual === value : value.test(actual)), actual: state.count === 1 ? actual : `${state.count} matches` };
    }, options.timeout);
  },
  async toHaveCount(this: MatcherContext, locator: Locator, count: number, options: { timeout?: number } = {}) {
    return pollMatcher(this, locator, "toHaveCount", count, async () => {
      const actual = await locator.count();
      return { pass: actual === count, actual };
    }, options.timeout);
  },
});

export { maskKey } from "../../src/core/rules.js";

export function section(page: Window, flow: Flow): Locator {
  return page.getByTestId(`${flow}-section`);
}

/** The status log's entries for `flow`, oldest first (the page shows newest first). */
export async function statusLog(page: Window, flow: Flow): Promise<string[]> {
  const texts = await page.locator(`[data-testid="status-log"] li[data-flow="${flow}"] .text`).allTextContents();
  return texts.reverse();
}

/**
 * The developer's detail (`error.message`, which onError got) of `flow`'s newest error, as the page
 * logs it beside the code: the button itself shows the user a text by code (`defaultMessages`).
 */
export async function lastErrorDetail(page: Window, flow: Flow): Promise<string | null> {
  const details = await page.locator(`[data-testid="status-log"] li[data-flow="${flow}"] .detail`).allTextContents();
  return details[0] ?? null;
}

/** Polls until the log of `flow` ends with `entries` (robust to the order of other flows). */
export async function expectLogEndsWith(page: Window, flow: Flow, entries: string[], timeout?: number): Promise<void> {
  await expect.poll(async () => (await statusLog(page, flow)).slice(-entries.length), { timeout }).toEqual(entries);
}

/** The successful exchanges the emulator saw, and all of them. */
export function exchanges(emulator: RunningOpenRouterEmulator) {
  const all = emulator.exchanges();
  return { all, ok: all.filter((e) => e.outcome === "ok") };
}

function s256(value: string): string {
  return createHash("sha256").update(value, "ascii").digest("base64url");
}

/** Clicks `button` (a real click) and returns the window it opened, once that window left about:blank. */
export async function clickForPopup(page: Window, button: Locator): Promise<Window> {
  return page.session.waitForWindow(() => button.click());
}

/**
 * After a flow: neither storage of the page holds an issued key or a verifier of a code the
 * emulator issued (found by hashing every verifier-shaped string against the codes' challenges),
 * nor any flow record (`openrouter-connect:*`) besides the ones `allow` names.
 */
export async function expectNoSecretsInStorage(
  page: Window,
  emulator: RunningOpenRouterEmulator,
  { allow = [] as string[], allowKey = false } = {},
): Promise<void> {
  const dump = await page.evaluate(() => {
    const entries: Array<[string, string, string]> = [];
    for (const [area, storage] of [
      ["session", window.sessionStorage],
      ["local", window.localStorage],
    ] as const) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i) as string;
        entries.push([area, key, storage.getItem(key) ?? ""]);
      }
    }
    return entries;
  });
  const keys = emulator.exchanges().flatMap((e) => (e.key ? [e.key] : []));
  const challenges = new Set(emulator.codesIssued().flatMap((c) => (c.codeChallenge ? [c.codeChallenge] : [])));
  for (const [area, name, value] of dump) {
    const text = `${name}=${value}`;
    if (!allowKey) for (const key of keys) expect(text, `${area}Storage holds the issued key`).not.toContain(key);
    for (const candidate of text.match(/[A-Za-z0-9._~-]{43,128}/g) ?? []) {
      expect(challenges.has(s256(candidate)) || challenges.has(candidate), `${area}Storage ${name} holds a used code verifier`).toBe(false);
    }
    if (name.startsWith("openrouter-connect:")) expect(allow, `${area}Storage keeps the flow record ${name}`).toContain(name);
  }
}

/** The address bar carries no callback parameter (polled: the app removes it once it has loaded). */
export async function expectCleanUrl(page: Window): Promise<void> {
  const params = async () => new URL(await page.url()).searchParams;
  await expect.poll(async () => (await params()).has("code") || (await params()).has("error"), { message: "callback parameters in the URL" }).toBe(false);
}
