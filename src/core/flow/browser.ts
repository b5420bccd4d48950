// Guarded access to browser globals: everything here is safe to call during
// server rendering (it returns undefined instead of touching `window`).

export const STORAGE_PREFIX = "openrouter-connect:";

export function browserWindow(): Window | undefined {
  return typeof window === "undefined" ? undefined : window;
}

/** sessionStorage or localStorage, or undefined when absent or blocked (Safari private mode, sandboxed iframes). */
export function storageArea(kind: StorageKind): Storage | undefined {
  try {
    const win = browserWindow();
    // Stryker disable next-line OptionalChaining: without a window the TypeError is caught below, with the same undefined
    return kind === "session" ? win?.sessionStorage : win?.localStorage;
  } catch {
    return undefined;
  }
}

export type StorageKind = "session" | "local";

export function readJson(kind: StorageKind, key: string): unknown {
  try {
    // Stryker disable next-line OptionalChaining: without storage the TypeError is caught below, with the same undefined
    const raw = storageArea(kind)?.getItem(key);
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
}

export function writeJson(kind: StorageKind, key: string, value: unknown): boolean {
  try {
    const storage = storageArea(kind);
    // Stryker disable next-line OptionalChaining: without storage the TypeError is caught below, with the same false
    storage?.setItem(key, JSON.stringify(value));
    return !!storage;
  } catch {
    return false;
  }
}

export function removeItem(kind: StorageKind, key: string): void {
  try {
    // Stryker disable next-line OptionalChaining: without storage the TypeError is caught below, to the same nothing
    storageArea(kind)?.removeItem(key);
  } catch {
    // storage blocked: nothing was stored either
  }
}

/**
 * An id for one attempt. Not a secret: it only tells attempts apart, so without WebCrypto (where
 * PKCE then fails with `unsupported`, reported by the flow) Math.random does.
 */
export function randomId(): string {
  const crypto = globalThis.crypto;
  const bytes = crypto?.getRandomValues ? crypto.getRandomValues(new Uint8Array(12)) : [Math.floor(Math.random() * 2 ** 32)];
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The route of a URL: origin and path, no query or fragment; undefined when it is no absolute URL. */
export function routeOf(url: unknown): string | undefined {
  try {
    const { origin, pathname } = new URL(url as string);
    return origin + pathname;
  } catch {
    return undefined;
  }
}

/** How to go on without a popup: in this tab, or by pasting the code inside an iframe. */
export function fallbackMode(): "paste" | "redirect" {
  const win = browserWindow();
  try {
    return win && win.self !== win.top ? "paste" : "redirect";
  } catch {
    return "paste"; // a cross-origin top: we are framed
  }
}
