// Guarded access to browser globals: everything here is safe to call during
// server rendering (it returns undefined instead of touching `window`). Kept to what a button's
// first paint needs too (the kept key, whether the page is a callback); the flow's own helpers
// live with the flow.

export const STORAGE_PREFIX = "openrouter-connect:";

export function browserWindow(): Window | undefined {
  return typeof window === "undefined" ? undefined : window;
}

/** sessionStorage or localStorage, or undefined when absent or blocked (Safari private mode, sandboxed iframes). */
export function storageArea(kind: StorageKind): Storage | undefined {
  try {
    const win = browserWindow();
    // Stryker disable next-line OptionalChaining: without a window the TypeError is caught below, with the same undefined
    return win?.[`${kind}Storage`];
    // Stryker disable next-line BlockStatement: equivalent: an emptied catch block also returns undefined
  } catch {
    return undefined;
  }
}

export type StorageKind = "session" | "local";

/** The route of a URL: origin and path, no query or fragment; undefined when it is no absolute URL. */
export function routeOf(url: unknown): string | undefined {
  try {
    const { origin, pathname } = new URL(url as string);
    return origin + pathname;
    // Stryker disable next-line BlockStatement: equivalent: an emptied catch block also returns undefined
  } catch {
    return undefined;
  }
}
