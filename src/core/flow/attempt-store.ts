import { routeOf, storageArea, type StorageKind } from "./browser.js";
import { POPUP_KEY, POPUP_LOCAL_PREFIX, REDIRECT_KEY } from "./callback-hint.js";

// What survives a page change during a flow, and nothing more:
// - redirect: the verifier, in this tab's sessionStorage, removed the moment it is read;
// - popup: only the attempt id and its callback URL (no secret), so the callback page in the
//   popup can say which attempt its code belongs to. sessionStorage is copied into a popup that
//   window.open creates; the localStorage entry is the fallback for browsers that don't.
// Each record names its callback URL: a page takes a callback only on that route (origin + path),
// and leaves the records of other routes alone.

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

export interface RedirectAttempt {
  attemptId: string;
  codeVerifier: string;
  /** Browser flows use S256 only. */
  codeChallengeMethod: "S256";
  callbackUrl: string;
  expiresAt: number;
  /** The `flowId` of the flow that started it: that flow finishes the return. */
  flowId?: string;
}

/** A pending popup attempt, as the opener records it. */
interface PopupMarker {
  attemptId: string;
  expiresAt: number;
  callbackUrl: string;
}

const live = (expiresAt: unknown): boolean => typeof expiresAt === "number" && expiresAt > Date.now();

export function saveRedirectAttempt(attempt: RedirectAttempt): boolean {
  clearPopupMarker();
  return writeJson("session", REDIRECT_KEY, attempt);
}

/**
 * The redirect attempt whose callback route is `route`, read and removed. A record for another
 * route stays (its own page takes it); an expired or malformed one is removed and counts as none.
 */
export function takeRedirectAttempt(route: string): RedirectAttempt | undefined {
  const record = redirectRecord();
  if (record && routeOf(record.callbackUrl) !== route) return undefined;
  removeItem("session", REDIRECT_KEY);
  return record;
}

/** This tab's redirect record, if it is whole and alive. */
function redirectRecord(): RedirectAttempt | undefined {
  const value = readJson("session", REDIRECT_KEY) as Partial<RedirectAttempt> | undefined;
  const valid =
    !!value &&
    typeof value.attemptId === "string" &&
    typeof value.codeVerifier === "string" &&
    value.codeChallengeMethod === "S256" &&
    typeof value.callbackUrl === "string" &&
    live(value.expiresAt);
  return valid ? (value as RedirectAttempt) : undefined;
}

export function clearRedirectAttempt(): void {
  removeItem("session", REDIRECT_KEY);
}

export function savePopupMarker(marker: PopupMarker): void {
  removeItem("session", REDIRECT_KEY);
  writeJson("session", POPUP_KEY, marker);
  writeJson("local", POPUP_LOCAL_PREFIX + marker.attemptId, { expiresAt: marker.expiresAt, callbackUrl: marker.callbackUrl });
  livePopupAttempts();
}

/**
 * Gives `popup` its own copy of the marker. window.open copies sessionStorage only when it creates
 * the window; one opened before the marker was saved gets it here, while it is still blank and on
 * this origin. Where that fails, its callback page finds the attempt in localStorage.
 */
export function copyPopupMarker(popup: Window, marker: PopupMarker): void {
  try {
    popup.sessionStorage.setItem(POPUP_KEY, JSON.stringify(marker));
  } catch {
    // already elsewhere, or storage blocked
  }
}

export function clearPopupMarker(attemptId?: string): void {
  const marker = readJson("session", POPUP_KEY) as { attemptId?: string } | undefined;
  if (!attemptId || marker?.attemptId === attemptId) removeItem("session", POPUP_KEY);
  if (attemptId) removeItem("local", POPUP_LOCAL_PREFIX + attemptId);
}

/**
 * The popup attempts pending in this browser (from localStorage) with their callback routes,
 * dropping the markers of attempts whose deadline has passed on the way (e.g. a tab closed mid-flow).
 */
function livePopupAttempts(): Array<{ attemptId: string; route: string | undefined }> {
  const local = storageArea("local");
  const found: Array<{ attemptId: string; route: string | undefined }> = [];
  try {
    // Backwards, so removing an entry doesn't skip the next one.
    for (let i = (local?.length ?? 0) - 1; local && i >= 0; i--) {
      const key = local.key(i);
      if (!key?.startsWith(POPUP_LOCAL_PREFIX)) continue;
      const value = readJson("local", key) as Partial<PopupMarker> | undefined;
      if (live(value?.expiresAt)) found.push({ attemptId: key.slice(POPUP_LOCAL_PREFIX.length), route: routeOf(value?.callbackUrl) });
      else local.removeItem(key);
    }
  } catch {
    // blocked storage: no fallback
  }
  return found;
}

/**
 * In a callback page on `route`: the popup attempt this window belongs to, from the copy of the
 * opener's sessionStorage. Read once and removed (the opener removes its own copy); a marker for
 * another route stays.
 */
export function takePopupMarker(route: string): string | undefined {
  const marker = readJson("session", POPUP_KEY) as Partial<PopupMarker> | undefined;
  if (!marker || typeof marker.attemptId !== "string" || !live(marker.expiresAt)) {
    removeItem("session", POPUP_KEY);
    return undefined;
  }
  if (routeOf(marker.callbackUrl) !== route) return undefined;
  removeItem("session", POPUP_KEY);
  return marker.attemptId;
}

/** The ids of the popup attempts pending in this browser for `route` (the fallback when sessionStorage was not copied). */
export function pendingPopupAttempts(route: string): string[] {
  return livePopupAttempts().flatMap((found) => (found.route === route ? [found.attemptId] : []));
}

/** Whether any attempt is pending here, for any route: this tab's redirect, or a popup in this browser. */
export function anyPendingAttempt(): boolean {
  const marker = readJson("session", POPUP_KEY) as Partial<PopupMarker> | undefined;
  return !!redirectRecord() || live(marker?.expiresAt) || livePopupAttempts().length > 0;
}
