import { OpenRouterAuthError } from "../errors.js";
import type { CodeChallengeMethod } from "../pkce.js";
import { takePopupMarker, solePendingPopupAttempt, takeRedirectAttempt } from "./attempt-store.js";
import { browserWindow } from "./browser.js";
import { relayToOpener } from "./popup-channel.js";

/** What a page found in its own URL when it loaded. */
export type CallbackOutcome =
  | { kind: "none" }
  /** A popup's callback page: the code went to the window that holds the verifier. */
  | { kind: "relayed" }
  /** A redirect came back to this tab, which holds the verifier: exchange here. */
  | { kind: "exchange"; code: string; codeVerifier: string; codeChallengeMethod: CodeChallengeMethod; flowId?: string }
  | { kind: "error"; error: OpenRouterAuthError; flowId?: string };

let consumed: { outcome: CallbackOutcome; delivered?: boolean } | undefined;

/**
 * The `?error=` OpenRouter sent back (RFC 6749 4.1.2.1 values) as our code: a refusal is
 * `access_denied`, the provider failing is `server_error` (worth a new attempt), a request it
 * could not read is `invalid_request`. The value is shown cleaned and cut, never as markup.
 */
export function callbackError(error: string): OpenRouterAuthError {
  if (error === "access_denied") return new OpenRouterAuthError("access_denied", "You declined the request on OpenRouter.");
  const said = error.replace(/[^\w.-]/g, "").slice(0, 40);
  return error === "server_error" || error === "temporarily_unavailable"
    ? new OpenRouterAuthError("server_error", `OpenRouter could not finish the request (${said}); please try again.`)
    : new OpenRouterAuthError(error === "invalid_request" ? "invalid_request" : "access_denied", `OpenRouter did not approve the request (${said}).`);
}

/**
 * Reads `?code=` / `?error=` from this page's URL once per page load: removes them
 * from the address bar, then decides who finishes the flow. Every caller gets the
 * same outcome (StrictMode, several components), `isCallbackPending` tells whether it was delivered.
 */
export function consumeCallback(): CallbackOutcome {
  if (consumed) return consumed.outcome;
  const win = browserWindow();
  if (!win) return { kind: "none" };
  const url = new URL(win.location.href);
  const code = url.searchParams.get("code");
  const error = url.searchParams.get("error");
  if (code === null && error === null) return { kind: "none" };

  for (const name of ["code", "error", "error_description"]) url.searchParams.delete(name);
  try {
    win.history.replaceState(win.history.state, "", url.pathname + url.search + url.hash);
  } catch {
    // sandboxed documents may refuse; the code is single-use anyway
  }

  const outcome = decide(win, code, error as string);
  consumed = { outcome };
  return outcome;
}

/** `error` is only read when there is no `code`. */
function decide(win: Window, code: string | null, error: string): CallbackOutcome {
  let attemptId = takePopupMarker();
  if (!attemptId) {
    const redirect = takeRedirectAttempt();
    if (redirect) {
      const flowId = typeof redirect.flowId === "string" ? redirect.flowId : undefined;
      return code === null
        ? { kind: "error", error: callbackError(error), flowId }
        : { kind: "exchange", code, codeVerifier: redirect.codeVerifier, codeChallengeMethod: redirect.codeChallengeMethod, flowId };
    }
    attemptId = solePendingPopupAttempt();
    if (!attemptId && !hasSameOriginOpener(win)) {
      return {
        kind: "error",
        error: new OpenRouterAuthError(
          "no_pending_flow",
          "This page received an authorization code, but this browser did not start a connection for it; it was ignored.",
        ),
      };
    }
  }
  // A popup's callback page: hand the code to the window that holds the verifier.
  relayToOpener({ attemptId: attemptId ?? null, ...(code === null ? { error } : { code }) });
  // The opener closes us when it can see us; under COOP only we can. The pause lets
  // the channel's message leave first. Browsers ignore close() in tabs a user opened.
  setTimeout(() => {
    try {
      win.close();
    } catch {
      // the page says "you can close this window"
    }
  }, 150);
  return { kind: "relayed" };
}

function hasSameOriginOpener(win: Window): boolean {
  try {
    // Reading a cross-origin opener's location throws: such an opener gets nothing.
    return !!win.opener && win.opener !== win && win.opener.location.origin === win.location.origin;
  } catch {
    return false;
  }
}

/**
 * Whether the consumed outcome still needs delivering. A component that finishes
 * it marks it delivered, so a remount or a second component doesn't report it twice;
 * one that unmounts first leaves it for the next.
 */
export function isCallbackPending(): boolean {
  return !!consumed && !consumed.delivered;
}

export function markCallbackDelivered(): void {
  if (consumed) consumed.delivered = true;
}

/** For tests: forget what this page consumed. */
export function resetCallbackState(): void {
  consumed = undefined;
}
