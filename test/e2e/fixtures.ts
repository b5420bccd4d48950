import { createHash } from "node:crypto";
import { expect, test as base, type Page } from "@playwright/test";
import type { RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { startDemoServer, type RunningDemoServer } from "../../scripts/demo-server.js";

export { expect };

export type Flow = "popup" | "redirect" | "minted" | "paste" | "persisted";

export interface WindowOpenCall {
  /** `window.event.type` when window.open ran: "click" when it ran inside the click handler. */
  event: string | null;
  url: string;
  target: string | null;
}

interface WorkerFixtures {
  demoServer: RunningDemoServer;
}

interface TestFixtures {
  demo: RunningDemoServer;
  emulator: RunningOpenRouterEmulator;
  /** Every window.open call the demo page made. */
  windowOpens: () => Promise<WindowOpenCall[]>;
}

// Playwright starts Chromium with --disable-popup-blocking and Chromium keeps user activation
// across an await, so a popup opened too late would still open here: record when it opens.
const RECORD_WINDOW_OPEN = () => {
  const calls: Array<{ event: string | null; url: string; target: string | null }> = [];
  Object.defineProperty(window, "__windowOpens", { value: calls });
  const original = window.open;
  window.open = function open(this: Window, ...args: Parameters<typeof window.open>) {
    calls.push({ event: window.event?.type ?? null, url: String(args[0] ?? ""), target: args[1] === undefined ? null : String(args[1]) });
    return original.apply(this, args);
  };
};

export const test = base.extend<TestFixtures, WorkerFixtures>({
  demoServer: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, provide) => {
      const demo = await startDemoServer({ port: 0, emulatorPort: 0, preview: true });
      await provide(demo);
      await demo.close();
    },
    { scope: "worker" },
  ],
  demo: async ({ demoServer }, provide) => {
    demoServer.emulator?.reset(); // forgets codes, keys, events and faults of earlier tests
    await provide(demoServer);
  },
  emulator: async ({ demo }, provide) => {
    if (!demo.emulator) throw new Error("the e2e tests need the emulator");
    await provide(demo.emulator);
  },
  page: async ({ page }, provide) => {
    await page.addInitScript(RECORD_WINDOW_OPEN);
    await provide(page);
  },
  windowOpens: async ({ page }, provide) => {
    await provide(() => page.evaluate(() => (window as unknown as { __windowOpens: WindowOpenCall[] }).__windowOpens));
  },
});

export { maskKey } from "../../src/core/rules.js";

export function section(page: Page, flow: Flow) {
  return page.getByTestId(`${flow}-section`);
}

/** The status log's entries for `flow`, oldest first (the page shows newest first). */
export async function statusLog(page: Page, flow: Flow): Promise<string[]> {
  const texts = await page.locator(`[data-testid="status-log"] li[data-flow="${flow}"] .text`).allTextContents();
  return texts.reverse();
}

/** Polls until the log of `flow` ends with `entries` (robust to the order of other flows). */
export async function expectLogEndsWith(page: Page, flow: Flow, entries: string[], timeout?: number): Promise<void> {
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

/**
 * After a flow: neither storage of the page holds an issued key or a verifier of a code the
 * emulator issued (found by hashing every verifier-shaped string against the codes' challenges),
 * nor any flow record (`openrouter-connect:*`) besides the ones `allow` names.
 */
export async function expectNoSecretsInStorage(
  page: Page,
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
export async function expectCleanUrl(page: Page): Promise<void> {
  const params = () => new URL(page.url()).searchParams;
  await expect.poll(() => params().has("code") || params().has("error"), { message: `callback parameters in ${page.url()}` }).toBe(false);
}
