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
  let area: Storage | undefined;
  try {
    // Stryker disable next-line OptionalChaining: without a window the TypeError is caught below, with the same undefined
    area = browserWindow()?.[`${kind}Storage`];
  } catch {
    // blocked: none
  }
  return area;
}

export type StorageKind = "session" | "local";

/** The route of a URL: origin and path, no query or fragment; undefined when it is no absolute URL. */
export function routeOf(url: unknown): string | undefined {
  let route: string | undefined;
  try {
    const { origin, pathname } = new URL(url as string);
    route = origin + pathname;
  } catch {
    // not an absolute URL: none
  }
  return route;
}
