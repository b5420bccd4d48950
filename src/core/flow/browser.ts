// Guarded access to browser globals: everything here is safe to call during
// server rendering (it returns undefined instead of touching `window`).

export const STORAGE_PREFIX = "openrouter-connect:";

export function browserWindow(): Window | undefined {
  return typeof window === "undefined" ? undefined : window;
}

/** sessionStorage or localStorage, or undefined when absent or blocked (Safari private mode, sandboxed iframes). */
export function storageArea(kind: "session" | "local"): Storage | undefined {
  try {
    const win = browserWindow();
    return kind === "session" ? win?.sessionStorage : win?.localStorage;
  } catch {
    return undefined;
  }
}

export function readJson(storage: Storage | undefined, key: string): unknown {
  try {
    const raw = storage?.getItem(key);
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
}

export function writeJson(storage: Storage | undefined, key: string, value: unknown): boolean {
  try {
    storage?.setItem(key, JSON.stringify(value));
    return !!storage;
  } catch {
    return false;
  }
}

export function removeItem(storage: Storage | undefined, key: string): void {
  try {
    storage?.removeItem(key);
  } catch {
    // storage blocked: nothing was stored either
  }
}

/** An unguessable id for one attempt (not a secret: it only tells attempts apart). */
export function randomId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The default callback URL: this page's origin and path, without query or fragment. */
export function currentPageUrl(): string | undefined {
  const win = browserWindow();
  return win ? win.location.origin + win.location.pathname : undefined;
}

export function isInIframe(): boolean {
  const win = browserWindow();
  try {
    return !!win && win.self !== win.top;
  } catch {
    return true;
  }
}
