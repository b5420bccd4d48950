import { browserWindow, routeOf, storageArea, STORAGE_PREFIX } from "./browser.js";

// The names of the records a flow keeps across a page change (attempt-store.ts reads and writes
// them), and a cheap look at them: whether this page may be a callback. A button whose flow loads
// lazily asks this on mount, to load its flow at once only when there may be something to finish.

export const REDIRECT_KEY = `${STORAGE_PREFIX}redirect`;
export const POPUP_KEY = `${STORAGE_PREFIX}popup`;
export const POPUP_LOCAL_PREFIX = `${STORAGE_PREFIX}popup:`;

/**
 * Whether this page load may carry a callback that a flow with this `callbackUrl` (default: this
 * page) would act on (`ConnectFlow.resume`): a `?code=` or `?error=` on its own route, or on any
 * route while an attempt's record is kept in this browser. Reads only; never misses a callback
 * that `resume` would take (it may say yes to one that `resume` then leaves alone).
 */
export function mayCarryCallback(callbackUrl: string | undefined): boolean {
  const win = browserWindow();
  if (!win) return false;
  const { searchParams, origin, pathname } = new URL(win.location.href);
  if (!searchParams.has("code") && !searchParams.has("error")) return false;
  if (callbackUrl === undefined || routeOf(callbackUrl) === origin + pathname) return true;
  try {
    const session = storageArea("session");
    const local = storageArea("local");
    // Below its length, a Storage's key(i) is never null.
    for (let i = 0; local && i < local.length; i++) if (local.key(i)!.startsWith(POPUP_LOCAL_PREFIX)) return true;
    if (session?.getItem(REDIRECT_KEY) || session?.getItem(POPUP_KEY)) return true;
  } catch {
    // A storage that throws as it is read (blocked storage is undefined above) may hold a record
    // resume can read: never miss one, say maybe.
    return true;
  }
  return false;
}
