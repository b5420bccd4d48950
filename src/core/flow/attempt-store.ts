import type { CodeChallengeMethod } from "../pkce.js";
import { readJson, removeItem, storageArea, STORAGE_PREFIX, writeJson } from "./browser.js";

// What survives a page change during a flow, and nothing more:
// - redirect: the verifier, in this tab's sessionStorage, removed the moment it is read;
// - popup: only the attempt id (no secret), so the callback page in the popup can say
//   which attempt its code belongs to. sessionStorage is copied into a popup that
//   window.open creates; the localStorage entry is the fallback for browsers that don't.

const REDIRECT_KEY = `${STORAGE_PREFIX}redirect`;
const POPUP_KEY = `${STORAGE_PREFIX}popup`;
const POPUP_LOCAL_PREFIX = `${STORAGE_PREFIX}popup:`;

export interface RedirectAttempt {
  attemptId: string;
  codeVerifier: string;
  codeChallengeMethod: CodeChallengeMethod;
  callbackUrl: string;
  expiresAt: number;
  /** The `flowId` of the flow that started it: that flow finishes the return. */
  flowId?: string;
}

export function saveRedirectAttempt(attempt: RedirectAttempt): boolean {
  clearPopupMarker();
  return writeJson("session", REDIRECT_KEY, attempt);
}

/** Reads and removes the redirect attempt; expired or malformed records count as none. */
export function takeRedirectAttempt(): RedirectAttempt | undefined {
  const value = readJson("session", REDIRECT_KEY) as Partial<RedirectAttempt> | undefined;
  removeItem("session", REDIRECT_KEY);
  if (
    !value ||
    typeof value.attemptId !== "string" ||
    typeof value.codeVerifier !== "string" ||
    (value.codeChallengeMethod !== "S256" && value.codeChallengeMethod !== "plain") ||
    typeof value.expiresAt !== "number" ||
    value.expiresAt < Date.now()
  ) {
    return undefined;
  }
  return value as RedirectAttempt;
}

export function clearRedirectAttempt(): void {
  removeItem("session", REDIRECT_KEY);
}

export function savePopupMarker(attemptId: string, expiresAt: number): void {
  removeItem("session", REDIRECT_KEY);
  writeJson("session", POPUP_KEY, { attemptId, expiresAt });
  writeJson("local", POPUP_LOCAL_PREFIX + attemptId, expiresAt);
  livePopupAttempts();
}

export function clearPopupMarker(attemptId?: string): void {
  const marker = readJson("session", POPUP_KEY) as { attemptId?: string } | undefined;
  if (!attemptId || marker?.attemptId === attemptId) removeItem("session", POPUP_KEY);
  if (attemptId) removeItem("local", POPUP_LOCAL_PREFIX + attemptId);
}

/**
 * The popup attempts pending in this browser (from localStorage), dropping the markers of
 * attempts whose deadline has passed on the way (e.g. a tab closed mid-flow).
 */
function livePopupAttempts(): string[] {
  const local = storageArea("local");
  const ids: string[] = [];
  try {
    // Backwards, so removing an entry doesn't skip the next one.
    for (let i = (local?.length ?? 0) - 1; local && i >= 0; i--) {
      const key = local.key(i);
      if (!key?.startsWith(POPUP_LOCAL_PREFIX)) continue;
      const expiresAt = readJson("local", key);
      if (typeof expiresAt === "number" && expiresAt > Date.now()) ids.push(key.slice(POPUP_LOCAL_PREFIX.length));
      else local.removeItem(key);
    }
  } catch {
    // blocked storage: no fallback
  }
  return ids;
}

/**
 * In a callback page: the popup attempt this window belongs to, from the copy of
 * the opener's sessionStorage. Read once and removed (the opener removes its own copy).
 */
export function takePopupMarker(): string | undefined {
  const marker = readJson("session", POPUP_KEY) as { attemptId?: unknown; expiresAt?: unknown } | undefined;
  removeItem("session", POPUP_KEY);
  return marker && typeof marker.attemptId === "string" && typeof marker.expiresAt === "number" && marker.expiresAt > Date.now()
    ? marker.attemptId
    : undefined;
}

/** The one popup attempt pending in this browser, when exactly one is (fallback when sessionStorage was not copied). */
export function solePendingPopupAttempt(): string | undefined {
  const ids = livePopupAttempts();
  return ids.length === 1 ? ids[0] : undefined;
}
