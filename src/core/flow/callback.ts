import { OpenRouterAuthError } from "../errors.js";
import type { CodeChallengeMethod } from "../pkce.js";
import { anyPendingAttempt, pendingPopupAttempts, takePopupMarker, takeRedirectAttempt } from "./attempt-store.js";
import { browserWindow } from "./browser.js";
import { relayToOpener } from "./popup-channel.js";

// A page that OpenRouter sent back to (`?code=` or `?error=`). Flows reach it through
// `ConnectFlow.resume()`; tests reset it through this module (the reset is not in the package's API).

/** What a page found in its own URL when it loaded. */
export type CallbackOutcome =
  | { kind: "none" }
  /** A popup's callback page: the code went to the window that holds the verifier. */
  | { kind: "relayed" }
  /** A redirect came back to this tab, which holds the verifier: exchange here. */
  | { kind: "exchange"; code: string; codeVerifier: string; codeChallengeMethod: CodeChallengeMethod; flowId?: string }
  | { kind: "error"; error: OpenRouterAuthError; flowId?: string };

const NONE: CallbackOutcome = { kind: "none" };

/**
 * This page load's callback, once taken: every flow of the page gets the same outcome (StrictMode,
 * several components); `delivered` once one of them finished it. Module state is page state: a new
 * page load is a new module.
 */
let taken: { outcome: CallbackOutcome; route: string; delivered: boolean } | undefined;

/** What the relay sends instead of a code when the callback address repeated a parameter. */
const REPEATED = "repeated_parameter";

/**
 * The `?error=` OpenRouter sent back (RFC 6749 4.1.2.1 values) as our code: a refusal is
 * `access_denied`, the provider failing is `server_error` (worth a new attempt), a request it
 * could not read is `invalid_request`. The value is shown cleaned and cut, never as markup.
 */
export function callbackError(error: string): OpenRouterAuthError {
  if (error === "access_denied") return new OpenRouterAuthError("access_denied", "You declined the request on OpenRouter.");
  if (error === REPEATED) {
    return new OpenRouterAuthError("invalid_request", "The callback address repeated code or error, so it was refused and nothing was exchanged.");
  }
  const said = error.replace(/[^\w.-]/g, "").slice(0, 40);
  return error === "server_error" || error === "temporarily_unavailable"
    ? new OpenRouterAuthError("server_error", `OpenRouter could not finish the request (${said}); please try again.`)
    : new OpenRouterAuthError(error === "invalid_request" ? "invalid_request" : "access_denied", `OpenRouter did not approve the request (${said}).`);
}

/**
 * Reads `?code=` / `?error=` from this page's URL, for a flow whose own callback route (origin +
 * path) is `ownRoute`. A callback is taken only on the route of the attempt it belongs to: then its
 * parameters leave the address bar and the outcome is kept for the page's other flows. On any
 * other route it is left alone (not removed, not sent, not relayed) and the attempt keeps waiting;
 * with no attempt pending here, a flow whose own route this is refuses it (`no_pending_flow`).
 */
export function takeCallback(ownRoute: string | undefined): CallbackOutcome {
  if (taken) return taken.outcome;
  const win = browserWindow();
  if (!win) return NONE;
  const url = new URL(win.location.href);
  const codes = url.searchParams.getAll("code");
  const errors = url.searchParams.getAll("error");
  if (!codes.length && !errors.length) return NONE;
  const here = url.origin + url.pathname;
  // A code once, or an error once: a repeated one (oauth4webapi refuses it too) is never exchanged.
  const repeated = codes.length > 1 || errors.length > 1;
  const code = codes[0];
  const error = repeated ? REPEATED : (errors[0] ?? "");

  let attemptId = takePopupMarker(here);
  const redirect = attemptId ? undefined : takeRedirectAttempt(here);
  if (redirect) {
    return remember(
      win,
      url,
      here,
      code === undefined || repeated
        ? { kind: "error", error: callbackError(error), flowId: redirect.flowId }
        : { kind: "exchange", code, codeVerifier: redirect.codeVerifier, codeChallengeMethod: "S256", flowId: redirect.flowId },
    );
  }
  if (!attemptId) {
    const pending = pendingPopupAttempts(here);
    // No attempt of this route: while another route's attempt waits, or when no flow here calls
    // this route its own, these are someone else's parameters.
    if (!pending.length && (ownRoute !== here || anyPendingAttempt())) return NONE;
    attemptId = pending.length === 1 ? pending[0] : undefined;
    // Several attempts pending here, or no record at all (storage blocked or lost): only a
    // same-origin opener can say whose it is.
    if (!attemptId && !hasSameOriginOpener(win)) {
      return remember(win, url, here, {
        kind: "error",
        error: repeated
          ? callbackError(REPEATED)
          : new OpenRouterAuthError(
              "no_pending_flow",
              "This page received an authorization code, but this browser did not start a connection for it; it was ignored.",
            ),
      });
    }
  }

  // A popup's callback page: hand the code to the window that holds the verifier.
  const relayed = remember(win, url, here, { kind: "relayed" });
  relayToOpener({ attemptId: attemptId ?? null, ...(code === undefined || repeated ? { error } : { code }) });
  // The opener closes us when it can see us; under COOP only we can. The pause lets the
  // channel's message leave first. Browsers ignore close() in tabs a user opened.
  setTimeout(() => {
    try {
      win.close();
    } catch {
      // the page says "you can close this window"
    }
  }, 150);
  return relayed;
}

/** Removes the callback's parameters from the address bar and keeps the outcome for this page's other flows. */
function remember(win: Window, url: URL, route: string, outcome: CallbackOutcome): CallbackOutcome {
  for (const name of ["code", "error", "error_description"]) url.searchParams.delete(name);
  try {
    win.history.replaceState(win.history.state, "", url.pathname + url.search + url.hash);
  } catch {
    // sandboxed documents may refuse; the code is single-use anyway
  }
  taken = { outcome, route, delivered: false };
  return outcome;
}

function hasSameOriginOpener(win: Window): boolean {
  try {
    // Reading a cross-origin opener's location throws: such an opener gets nothing.
    return !!win.opener && win.opener !== win && win.opener.location.origin === win.location.origin;
  } catch {
    return false;
  }
}

/** `takeCallback` for a flow whose own callback route is this page (the default `callbackUrl`). */
export function consumeCallback(): CallbackOutcome {
  const win = browserWindow();
  return takeCallback(win && win.location.origin + win.location.pathname);
}

/** Whether the page's callback was taken and still waits for a flow to finish it. */
export function isCallbackPending(): boolean {
  return !!taken && !taken.delivered;
}

/**
 * Claims the page's callback for a flow whose own route is `ownRoute`: true once, for the first
 * flow on the callback's route, so a remount or a second component doesn't report it twice.
 */
export function claimCallback(ownRoute: string | undefined): boolean {
  if (!taken || taken.delivered || taken.route !== ownRoute) return false;
  taken.delivered = true;
  return true;
}

/** Whether the page's callback still waits for a flow on `ownRoute` to finish it. */
export function callbackWaitsFor(ownRoute: string | undefined): boolean {
  return !!taken && !taken.delivered && taken.route === ownRoute;
}

/** For tests (never exported from the package): forget what this page took. */
export function resetCallbackState(): void {
  taken = undefined;
}
