// Helpers of faults.spec.ts, beyond.spec.ts and secrets.spec.ts (fixtures.ts belongs to the demo's
// flow tests; everything extra lives here).
//
// - `harness`: a tiny page of our own on the demo server's origin, served by the recording proxy
//   (no server change): the demo's index.html with its scripts swapped for ConnectButtons with the
//   props a test needs and the demo does not expose (timeoutMs, mint, persist + showBalance, ...),
//   bundled once per worker from src/ with Vite.
// - `clocked`: a second emulator whose clock a test moves forward (real code expiry).
// - storage dumps, the emulator's exchange requests, PKCE verifiers seen by the page.
import { createHash, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { clickForPopup, expect, expectLogEndsWith, section, test as base, type Flow, type Locator, type Network, type PageFetch, type Window } from "./fixtures.js";

export const HARNESS_PATH = "/__e2e__/harness";
const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** One ConnectButton of the harness page, in a section `${flow}-section` like the demo's. */
export interface HarnessButton {
  flow: Flow;
  /** The button's label (its accessible name); default "Connect OpenRouter". */
  label?: string;
  /** ConnectButton props (JSON): mode, limit, mint, timeoutMs, persist, showBalance, keyLabel, exchangeUrl, ... */
  props?: Record<string, unknown>;
}

export interface HarnessConfig {
  authUrl: string;
  baseUrl: string;
  /** The app's mint route (a path on the demo server, e.g. "/api/mint"). */
  mintUrl?: string;
  /** Per-request deadline of the client (the provider does not take one: a client is passed). */
  clientTimeoutMs?: number;
  buttons: HarnessButton[];
}

export interface ClockedEmulator {
  emulator: RunningOpenRouterEmulator;
  /** Moves the emulator's clock forward (the browser's clock is untouched). */
  advance(ms: number): void;
}

// The page: like the demo (StrictMode, react-query, provider, useAuthCallback on the callback
// page), a status log with the demo's structure (so fixtures.statusLog works), keys masked
// (`${flow}-key`, from onKey) and the hint onConnected got (`${flow}-connected`, both modes).
const HARNESS_ENTRY = `
import { createElement as h, Fragment, StrictMode, useCallback, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ConnectButton, createOpenRouterAuthClient, OpenRouterAuthProvider, useAuthCallback } from ${JSON.stringify(`${REPO}src/index.ts`)};
import { maskKey } from ${JSON.stringify(`${REPO}src/core/rules.ts`)};

const config = window.__E2E_HARNESS__;
const client = config.clientTimeoutMs
  ? createOpenRouterAuthClient({ baseUrl: config.baseUrl, mintUrl: config.mintUrl, timeoutMs: config.clientTimeoutMs })
  : undefined;

function App() {
  const [entries, setEntries] = useState([]);
  const [keys, setKeys] = useState({});
  const [connected, setConnected] = useState({});
  const next = useRef(0);
  const { relayed } = useAuthCallback();
  const log = useCallback((flow, text, detail) => setEntries((list) => [{ id: next.current++, flow, text, detail }, ...list]), []);
  if (relayed) return h("main", null, h("h1", null, "Approved"));
  return h(
    Fragment,
    null,
    h("h1", null, "openrouter-connect e2e harness"),
    config.buttons.map((button) =>
      h(
        "section",
        { key: button.flow, "data-testid": button.flow + "-section" },
        h(
          ConnectButton,
          {
            ...button.props,
            onKey: (result) => setKeys((all) => ({ ...all, [button.flow]: result })),
            // Both modes; only the hint is kept (in the browser's mode the key also came to onKey).
            onConnected: ({ keyHint }) => setConnected((all) => ({ ...all, [button.flow]: keyHint })),
            onStatusChange: (status) => log(button.flow, status),
            // As the demo: the code, and the developer's detail beside it.
            onError: (error) => log(button.flow, "error: " + error.code, error.message),
          },
          button.label ?? "Connect OpenRouter",
        ),
        h("p", { "data-testid": button.flow + "-key" }, keys[button.flow] ? maskKey(keys[button.flow].key) : "No key yet."),
        h("p", { "data-testid": button.flow + "-connected" }, connected[button.flow] ? "Connected: " + connected[button.flow] : "Not connected."),
      ),
    ),
    h("ol", { "data-testid": "status-log" }, entries.map((entry) =>
      h("li", { key: entry.id, "data-flow": entry.flow }, h("span", { className: "text" }, entry.text), entry.detail ? h("span", { className: "detail" }, entry.detail) : null))),
  );
}

createRoot(document.getElementById("root")).render(
  h(StrictMode, null,
    h(QueryClientProvider, { client: new QueryClient() },
      h(OpenRouterAuthProvider, { client, authUrl: config.authUrl, baseUrl: config.baseUrl, mintUrl: config.mintUrl, appTitle: "openrouter-connect e2e harness" }, h(App)))),
);
`;

/** Bundles the harness page (React, react-query and the library from src/), in memory. */
async function buildHarness(): Promise<string> {
  const [{ build }, { default: react }] = await Promise.all([import("vite"), import("@vitejs/plugin-react")]);
  const id = "e2e-harness-entry";
  const resolved = `\0${id}`;
  const result = await build({
    configFile: false,
    root: REPO,
    logLevel: "warn",
    mode: "production",
    plugins: [
      react(),
      {
        name: "e2e-harness-entry",
        resolveId: (source: string) => (source === id ? resolved : undefined),
        load: (source: string) => (source === resolved ? HARNESS_ENTRY : undefined),
      },
    ],
    build: { write: false, minify: false, sourcemap: false, reportCompressedSize: false, rollupOptions: { input: id } },
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunks = outputs.flatMap((output) => ("output" in output ? output.output : [])).filter((item) => item.type === "chunk");
  if (chunks.length !== 1 || chunks[0]?.type !== "chunk") throw new Error(`the harness should bundle into one chunk, got ${chunks.length}`);
  return chunks[0].code;
}

interface SupportTestFixtures {
  /** Serves the harness with `config` on the demo's origin (all pages of the context) and returns its URL. */
  harness: (config: HarnessConfig) => Promise<string>;
  clocked: ClockedEmulator;
}

interface SupportWorkerFixtures {
  harnessBundle: string;
  clockedWorker: { emulator: RunningOpenRouterEmulator; offset: { ms: number } };
}

export const test = base.extend<SupportTestFixtures, SupportWorkerFixtures>({
  harnessBundle: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, provide) => {
      await provide(await buildHarness());
    },
    { scope: "worker", timeout: 60_000 },
  ],
  clockedWorker: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, provide) => {
      const offset = { ms: 0 };
      const emulator = await startOpenRouterEmulator({ port: 0, now: () => Date.now() + offset.ms });
      await provide({ emulator, offset });
      await emulator.close();
    },
    { scope: "worker" },
  ],
  clocked: async ({ clockedWorker }, provide) => {
    clockedWorker.offset.ms = 0;
    clockedWorker.emulator.reset();
    await provide({
      emulator: clockedWorker.emulator,
      advance: (ms) => {
        clockedWorker.offset.ms += ms;
      },
    });
  },
  harness: async ({ network, demo, harnessBundle }, provide) => {
    const origin = new URL(demo.url).origin;
    const script = (body: string) => ({ status: 200, headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" }, body });
    await provide(async (config) => {
      // The demo's own index.html (straight from the demo server), its two scripts swapped for
      // the harness config and bundle; served on the demo's origin, so the mint route and the
      // callback are the app's own, as in the demo.
      network.route(async ({ method, url, headers }) => {
        if (url.origin !== origin || method !== "GET") return undefined;
        if (url.pathname === HARNESS_PATH) {
          // Asked as the browser asks for a page, with its cookie: the demo server answers with the
          // browser's session cookie (new or kept), which the harness page passes on, so the app's
          // routes (mint, exchange, session) vouch for it as for the demo's own page.
          const answer = await fetch(`${origin}/`, { headers: { Accept: "text/html", ...(headers.cookie ? { Cookie: headers.cookie } : {}) } });
          const setCookie = answer.headers.getSetCookie();
          if (setCookie.length > 1) throw new Error(`the demo set ${setCookie.length} cookies at once`);
          const index = await answer.text();
          const html = index
            .replace(/<script src="\/demo-config\.js"><\/script>/, `<script src="${HARNESS_PATH}/config.js"></script>`)
            .replace(/<script type="module"([^>]*) src="\/assets\/[^"]+\.js"><\/script>/, `<script type="module"$1 src="${HARNESS_PATH}/app.js"></script>`);
          if (!html.includes(`${HARNESS_PATH}/config.js`) || !html.includes(`${HARNESS_PATH}/app.js`)) throw new Error("the demo's index.html no longer has the scripts the harness swaps");
          return {
            status: 200,
            headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", ...(setCookie[0] ? { "Set-Cookie": setCookie[0] } : {}) },
            body: html,
          };
        }
        if (url.pathname === `${HARNESS_PATH}/config.js`) return script(`window.__E2E_HARNESS__ = ${JSON.stringify(config)};\n`);
        if (url.pathname === `${HARNESS_PATH}/app.js`) return script(harnessBundle);
        return undefined;
      });
      return `${origin}${HARNESS_PATH}`;
    });
  },
});

export { expect };

// ---------------------------------------------------------------- emulator

/** The exchange requests (`POST /api/v1/auth/keys`) that reached the emulator, faults included. */
export function exchangePosts(emulator: RunningOpenRouterEmulator) {
  return emulator.app.requests().filter((r) => r.route === "exchange" && r.method === "POST");
}

/**
 * The exchange requests (`POST .../auth/keys`) the pages' scripts sent, from every window of the
 * test: what the library asked for. A browser's own resend of a POST whose connection died
 * reaches the emulator (exchangePosts) but is not a request of the page's.
 */
export function watchExchangeRequests(network: Network, emulator: RunningOpenRouterEmulator): () => PageFetch[] {
  const url = `${emulator.apiBaseUrl}/auth/keys`;
  return () => network.fetches().filter((request) => request.method === "POST" && request.url === url);
}

/** The emulator's exchange events for `code`. */
export function exchangesOf(emulator: RunningOpenRouterEmulator, code: string) {
  return emulator.exchanges().filter((e) => e.code === code);
}

/** The latest code the emulator issued. */
export function lastCode(emulator: RunningOpenRouterEmulator): string {
  const code = emulator.codesIssued().at(-1)?.code;
  if (!code) throw new Error("the emulator issued no code");
  return code;
}

export function s256(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** A real code of another attempt: minted straight at the emulator with its dev key (Node side). */
export async function mintForeignCode(emulator: RunningOpenRouterEmulator, callbackUrl: string): Promise<string> {
  const verifier = randomBytes(32).toString("base64url");
  const response = await fetch(`${emulator.apiBaseUrl}/auth/keys/code`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${emulator.apiKey}` },
    body: JSON.stringify({ callback_url: callbackUrl, code_challenge: s256(verifier), code_challenge_method: "S256" }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data: { id: string } };
  return body.data.id;
}

// ---------------------------------------------------------------- pages

export type StorageEntry = { area: "session" | "local"; name: string; value: string };

/** Every entry of both storages of `page`'s origin. */
export async function dumpStorage(page: Window): Promise<StorageEntry[]> {
  return page.evaluate(() => {
    const entries: Array<{ area: "session" | "local"; name: string; value: string }> = [];
    for (const [area, storage] of [
      ["session", window.sessionStorage],
      ["local", window.localStorage],
    ] as const) {
      for (let i = 0; i < storage.length; i++) {
        const name = storage.key(i) as string;
        entries.push({ area, name, value: storage.getItem(name) ?? "" });
      }
    }
    return entries;
  });
}

/**
 * No flow record and nothing verifier-shaped in either storage: stricter than
 * fixtures.expectNoSecretsInStorage (which knows only the verifiers of codes the emulator issued),
 * it also catches the verifier of an attempt that never got a code. `allow` names records to keep.
 */
export async function expectNoAttemptLeft(page: Window, { allow = [] as string[] } = {}): Promise<void> {
  const dump = await dumpStorage(page);
  const context = JSON.stringify(dump);
  for (const entry of dump) {
    if (allow.includes(entry.name)) continue;
    expect(entry.name, `${entry.area}Storage keeps a flow record: ${context}`).not.toMatch(/^openrouter-connect:(redirect|popup)/);
    expect(`${entry.name}=${entry.value}`, `${entry.area}Storage holds something verifier-shaped: ${context}`).not.toMatch(/[A-Za-z0-9._~-]{43,}/);
  }
}

/** The ConnectButton of `flow` is ready for a new attempt: enabled, not busy, no Cancel. */
export async function expectReady(page: Window, flow: Flow, name: string | RegExp): Promise<Locator> {
  const button = section(page, flow).getByRole("button", { name });
  await expect(button).toBeEnabled();
  await expect(button).toHaveAttribute("aria-busy", "false");
  await expect(section(page, flow).getByRole("button", { name: "Cancel" })).toHaveCount(0);
  return button;
}

/** The button's role=status live region (the ConnectButton's own, not the copy button's). */
export function statusRegion(page: Window, flow: Flow): Locator {
  return section(page, flow).locator(".orc-status[role=status]");
}

export { clickForPopup };

/**
 * Clicks Approve or Deny on the consent page in a popup. The flow closes the popup soon after
 * (fastest on Deny): should it be gone before Playwright reports the click done, the click did
 * its work and that is no failure of the test.
 */
export async function decideInPopup(popup: Window, decision: "Approve" | "Deny"): Promise<void> {
  await popup
    .getByRole("button", { name: decision })
    .click()
    .catch(async (error: unknown) => {
      if (!(await popup.isClosed())) throw error;
    });
}

/** Approves on the emulator's consent page in `popup` and waits for the flow of `flow` to connect. */
export async function approveAndConnect(page: Window, popup: Window, flow: Flow): Promise<void> {
  await decideInPopup(popup, "Approve");
  await expectLogEndsWith(page, flow, ["exchanging", "connected"]);
}

/**
 * Every ASCII string the pages of the test hashed with SHA-256 that looks like a PKCE verifier
 * (RFC 7636 charset, 43-128 chars), as the page probe reported them: the verifiers of all
 * attempts, including ones that never reach an exchange.
 */
export function verifiersSeen(network: Network): string[] {
  return [...new Set(network.reports().filter((report) => report.kind === "digest").map((report) => String(report.value)))];
}
