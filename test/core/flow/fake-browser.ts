// A scriptable browser for ConnectFlow's own tests (no jsdom): a window whose address, storage,
// focus and popups a test sets, and popups whose `closed` and cross-origin state a test sets, the
// way COOP and users change them. Time is vitest's fake clock; the PKCE pair is real WebCrypto.
import { vi } from "vitest";
import { ConnectFlow, createCodeChallenge, type ConnectFlowOptions, type ConnectSnapshot, type ExchangeAuthCodeRequest } from "../../../src/core/index.js";
import { resetCallbackState } from "../../../src/core/flow/callback.js";

export class FakeStorage implements Storage {
  #items = new Map<string, string>();
  /** Set to make every write throw, as some privacy modes and sandboxed frames do. */
  refuseWrites = false;
  get length(): number {
    return this.#items.size;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.refuseWrites) throw new DOMException("The operation is insecure.", "SecurityError");
    this.#items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
  clear(): void {
    this.#items.clear();
  }
  /** Everything in it, as one string to search for secrets. */
  dump(): string {
    return [...this.#items].map(([key, value]) => `${key}=${value}`).join("\n");
  }
  /** A copy, as window.open gives a popup of this origin. */
  copy(): FakeStorage {
    const copy = new FakeStorage();
    for (const [key, value] of this.#items) copy.setItem(key, value);
    return copy;
  }
}

/** What the opener can see of a popup: `closed`, and whether its page is readable (ours) or cross-origin (the provider's). */
export class FakePopup {
  closed = false;
  /** `blank` and `app` pages are this origin's (readable); `provider` is OpenRouter's (reading its location throws). */
  at: "blank" | "provider" | "app" = "blank";
  /** Where `location.replace` sent it. */
  navigatedTo: string | undefined;
  opener: FakeWindow | null;
  focused = 0;
  readonly document = { title: "", body: { textContent: "" } };
  readonly sessionStorage: FakeStorage;
  readonly location: { replace(url: string): void; readonly href: string };

  constructor(opener: FakeWindow) {
    this.opener = opener;
    this.sessionStorage = opener.sessionStorage.copy();
    this.location = Object.defineProperty(
      {
        replace: (url: string) => {
          this.navigatedTo = url;
          this.at = "provider";
        },
        href: "",
      },
      "href",
      {
        get: () => {
          if (this.at === "provider") throw new DOMException("Blocked a frame from accessing a cross-origin frame.", "SecurityError");
          return "about:blank";
        },
      },
    );
  }

  close(): void {
    this.closed = true;
  }

  focus(): void {
    this.focused++;
  }
}

export class FakeWindow extends EventTarget {
  readonly sessionStorage = new FakeStorage();
  readonly localStorage = new FakeStorage();
  opener: unknown = null;
  readonly self = this;
  readonly top = this;
  /** Every popup or tab window.open gave (the last one is the newest). */
  readonly opened: FakePopup[] = [];
  /** Every window.open call, with its target. */
  readonly openCalls: Array<{ url: string; target: string | undefined; features: string | undefined }> = [];
  /** The popup blocker: window.open answers null. */
  blockPopups = false;
  /** Where `location.assign` sent this tab. */
  readonly assigned: string[] = [];
  closedItself = false;
  #href: string;
  readonly history: { state: unknown; replaceState(state: unknown, title: string, url: string): void };
  readonly location: { readonly href: string; readonly origin: string; readonly pathname: string; assign(url: string): void };

  constructor(href: string) {
    super();
    this.#href = href;
    const history = {
      state: null as unknown,
      replaceState: (state: unknown, _title: string, url: string) => {
        history.state = state;
        this.#href = new URL(url, this.#href).href;
      },
    };
    this.history = history;
    this.location = Object.defineProperties({ href: "", origin: "", pathname: "", assign: (url: string) => void this.assigned.push(url) }, {
      href: { get: () => this.#href },
      origin: { get: () => new URL(this.#href).origin },
      pathname: { get: () => new URL(this.#href).pathname },
    });
  }

  /** A navigation to `url` in this tab (a redirect coming back, a link): the address changes. */
  goTo(url: string): void {
    this.#href = new URL(url, this.#href).href;
  }

  open(url = "", target?: string, features?: string): FakePopup | null {
    this.openCalls.push({ url, target, features });
    if (this.blockPopups) return null;
    const popup = new FakePopup(this);
    this.opened.push(popup);
    return popup;
  }

  close(): void {
    this.closedItself = true;
  }

  /** This page gets focus back (the user closed the popup, or came back to this window). */
  focus(): void {
    this.dispatchEvent(new Event("focus"));
  }

  blur(): void {
    this.dispatchEvent(new Event("blur"));
  }

  /** A `message` event as postMessage delivers it: from `source`, on `origin` (default: this page's). */
  receiveMessage(data: unknown, source: unknown, origin = this.location.origin): void {
    const event = new Event("message");
    Object.defineProperties(event, { data: { value: data }, source: { value: source }, origin: { value: origin } });
    this.dispatchEvent(event);
  }

  /** Comes back from the back/forward cache (`pageshow` with `persisted`). */
  showFromCache(): void {
    const event = new Event("pageshow");
    Object.defineProperty(event, "persisted", { value: true });
    this.dispatchEvent(event);
  }
}

export const APP = "https://app.example/connect";
export const AUTH_URL = "https://openrouter.test/auth";
export const KEY = `sk-or-v1-${"ab12".repeat(16)}`;

/** A fresh fake browser on `href`, as `window` (and `location`) for the code under test, and a fake clock. */
export function installBrowser(href = APP): FakeWindow {
  const win = new FakeWindow(href);
  vi.stubGlobal("window", win);
  vi.stubGlobal("location", win.location);
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  resetCallbackState();
  return win;
}

export function uninstallBrowser(): void {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  resetCallbackState();
}

/**
 * Yields to the event loop (turns, not sleeps: WebCrypto's digest and BroadcastChannel deliver
 * there) until `condition` holds. Every wait has an end: 5 s of real time (performance.now is not
 * faked), far more than a loaded machine needs.
 */
export async function until(condition: () => boolean, what = "the condition"): Promise<void> {
  const giveUpAt = performance.now() + 5_000;
  while (!condition()) {
    if (performance.now() > giveUpAt) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Lets pending promise callbacks run (a few event-loop turns). */
export async function flush(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** OpenRouter's exchange as a fake: records each call; answers with a key at once unless held. */
export function fakeExchange({ hold = false } = {}) {
  const calls: Array<{ request: ExchangeAuthCodeRequest; signal: AbortSignal | undefined }> = [];
  const waiting: Array<{ resolve: (value: { key: string; userId: string | null }) => void; reject: (error: unknown) => void }> = [];
  const exchangeAuthCode = vi.fn((request: ExchangeAuthCodeRequest, options?: { signal?: AbortSignal }) => {
    calls.push({ request, signal: options?.signal });
    return new Promise<{ key: string; userId: string | null }>((resolve, reject) => {
      if (hold) waiting.push({ resolve, reject });
      else resolve({ key: KEY, userId: "user_1" });
    });
  });
  return {
    exchangeAuthCode,
    calls,
    answer: (value = { key: KEY, userId: "user_1" }) => waiting.shift()?.resolve(value),
    refuse: (error: unknown) => waiting.shift()?.reject(error),
  };
}

/** A flow with fakes for OpenRouter, recording every snapshot, status, error, key and connection. */
export function makeFlow(options: Partial<ConnectFlowOptions> = {}) {
  const exchange = fakeExchange();
  const createAuthCode = vi.fn(async (_request: unknown, _options?: { signal?: AbortSignal }) => ({
    data: { id: "auth_code_minted", appId: 1, createdAt: "2030-01-01T00:00:00Z" },
  }));
  const seen = { snapshots: [] as ConnectSnapshot[], statuses: [] as string[], errors: [] as Array<{ code: string; message: string }>, keys: [] as string[], connected: [] as unknown[], windowClosed: 0 };
  const flow = new ConnectFlow({
    createAuthCode,
    exchangeAuthCode: exchange.exchangeAuthCode,
    authUrl: AUTH_URL,
    onStatusChange: (status) => seen.statuses.push(status),
    onError: (error) => seen.errors.push({ code: error.code, message: error.message }),
    onKey: (result) => seen.keys.push(result.key),
    onConnected: (connected) => seen.connected.push(connected),
    onWindowClosed: () => seen.windowClosed++,
    ...options,
  });
  flow.subscribe(() => seen.snapshots.push(flow.getSnapshot()));
  return { flow, seen, exchange, createAuthCode, snapshot: () => flow.getSnapshot() };
}

/** The PKCE proof: the challenge in `consentUrl` is the S256 of `verifier`. */
export async function challengeMatches(consentUrl: string, verifier: string | undefined): Promise<boolean> {
  const challenge = new URL(consentUrl).searchParams.get("code_challenge");
  return !!verifier && challenge === (await createCodeChallenge(verifier, "S256"));
}
