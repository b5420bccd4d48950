import { OpenRouterAuthError } from "../errors.js";
import type { Attempt } from "./attempt.js";
import { clearRedirectAttempt, saveRedirectAttempt } from "./attempt-store.js";
import { consentUrl, PLACEHOLDER_CHALLENGE, type FlowMode } from "./mode.js";

/**
 * Redirect: this tab goes to the consent page and comes back with `?code=` (finished by
 * `ConnectFlow.resume()` on the callback route). The verifier waits in this tab's sessionStorage.
 */
export const redirectMode: FlowMode = {
  check: (ctx) => void consentUrl(ctx, PLACEHOLDER_CHALLENGE),
  open: () => {}, // nothing opens: this tab leaves
  async start(attempt, ctx, pair) {
    const url = consentUrl(ctx, pair.codeChallenge);
    const saved = saveRedirectAttempt({
      attemptId: attempt.id,
      codeVerifier: pair.codeVerifier,
      codeChallengeMethod: "S256",
      callbackUrl: ctx.callbackUrl,
      expiresAt: attempt.deadline,
      flowId: ctx.options.flowId,
    });
    if (!saved) throw new OpenRouterAuthError("unsupported", "This browser blocks sessionStorage, which the redirect flow needs; use the popup.");
    // Cleanups only run while this page is alive (timeout, Cancel, back from the bfcache): then the
    // record must go. A page that left keeps it for the return.
    attempt.onEnd(clearRedirectAttempt);
    failWhenBackFromCache(attempt, ctx.win);
    attempt.wait();
    ctx.win.location.assign(url);
  },
};

/**
 * The back/forward cache: Back from the consent page can restore this very page, frozen mid-wait,
 * instead of loading it again. Nothing will come back to it: the attempt ends, and the next click
 * starts a fresh one.
 */
function failWhenBackFromCache(attempt: Attempt, win: Window): void {
  attempt.listen(win, "pageshow", (event) => {
    if (event.persisted) attempt.fail(new OpenRouterAuthError("cancelled", "You came back before approving on OpenRouter."));
  });
}
