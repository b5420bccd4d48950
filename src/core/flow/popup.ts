import { OpenRouterAuthError } from "../errors.js";
import { resolveConnectMessages } from "../messages.js";
import type { Attempt, AttemptPhase } from "./attempt.js";
import { clearPopupMarker, copyPopupMarker, savePopupMarker } from "./attempt-store.js";
import { browserWindow } from "./browser.js";
import { callbackError } from "./callback.js";
import { openFlowWindow } from "./flow-window.js";
import { consentUrl, PLACEHOLDER_CHALLENGE, type FlowMode, type ModeContext } from "./mode.js";
import { listenForCallback, type CallbackMessage } from "./popup-channel.js";

// The consent page in a popup: open it inside the click, watch it, hear its answer over
// postMessage or the channel, close it. Every rule below was learnt from real browsers; the
// timings are measured by scripts/popup-timing.mjs (`npm run bench:popup`).

/** Polls until the popup has been seen at the provider (fine enough to time it), then every 250 ms. */
export const POPUP_FAST_POLL_MS = 5;
export const POPUP_POLL_MS = 250;
/**
 * How long two polls must have found the popup at the provider (cross-origin) before `closed`
 * counts as the user closing it. A provider page that sends COOP shows that way only for a moment
 * before `closed` reads true while it is still open: under 15 ms in nearly all of ~250 Chromium
 * runs here, idle and loaded. Closing the consent page, even by a test the moment it loads, mostly
 * takes longer. (Firefox and WebKit never show it cross-origin: their COOP popups read closed at once.)
 */
export const POPUP_SETTLE_MS = 20;
/**
 * Now and then (a few runs in a hundred here) COOP cuts a popup off later than POPUP_SETTLE_MS. So a
 * popup that reads closed this soon after reaching the provider is reported `popup_closed`, but its
 * answer, if one still comes over the channel before the deadline, finishes the flow.
 */
export const POPUP_LATE_ANSWER_MS = 1000;
/** How long after a visible popup closed we still wait for its message (it may have sent one as it closed). */
export const POPUP_CLOSED_GRACE_MS = 400;
/**
 * How long this page must have had focus back, while its popup is hidden, before it says so. An
 * approving popup closes itself 150 ms after it sends the code, and its closing hands focus back to
 * this page: the code normally arrives first, and must win, so the hint never flashes on approval.
 * The delay covers a loaded machine, and still shows the hint well within a second.
 */
export const POPUP_HIDDEN_HINT_DELAY_MS = 400;

/** How to go on without a popup: in this tab, or by pasting the code inside an iframe. */
export function fallbackMode(): "paste" | "redirect" {
  const win = browserWindow();
  try {
    return win && win.self !== win.top ? "paste" : "redirect";
  } catch {
    return "paste"; // a cross-origin top: we are framed
  }
}

/**
 * A click while an attempt waits means "try again" (a new window) when we can no longer see its
 * popup: hidden (closed, or COOP hides it) or reported closed. Otherwise the click brings the
 * attempt's window to the front.
 */
export function clickStartsOver(phase: AttemptPhase): boolean {
  return phase.name === "waiting" && (phase.popup === "hidden" || phase.popup === "hidden-user-back" || phase.popup === "reported-closed");
}

export const popupMode: FlowMode = {
  check: (ctx) => void consentUrl(ctx, PLACEHOLDER_CHALLENGE),
  open(attempt, ctx) {
    // window.open copies this sessionStorage into the popup it creates: the marker goes in first,
    // so the callback page there can tell which attempt its code belongs to.
    const marker = { attemptId: attempt.id, expiresAt: attempt.deadline, callbackUrl: ctx.callbackUrl };
    savePopupMarker(marker);
    attempt.onEnd(() => clearPopupMarker(attempt.id));
    const { opened } = ctx;
    const popup = opened === undefined ? openFlowWindow(ctx.win, "popup", ctx.options.popupFeatures) : opened;
    if (!popup) {
      attempt.fallback = fallbackMode();
      attempt.fail(new OpenRouterAuthError("popup_blocked", "The browser blocked the OpenRouter window."));
      return;
    }
    // A window opened before the marker existed (in a click that then waited for the flow's code)
    // got no copy of it, nor does one a browser opened without copying sessionStorage: it gets one
    // now, while it is still blank and on this origin.
    copyPopupMarker(popup, marker);
    attempt.window = popup;
    attempt.onEnd(() => closePopup(attempt, ctx));
    try {
      const { windowTitle, opening } = resolveConnectMessages(ctx.options.messages);
      popup.document.title = windowTitle;
      popup.document.body.textContent = opening;
    } catch {
      // a reused popup may already be elsewhere
    }
  },
  async start(attempt, ctx, pair) {
    const popup = attempt.window;
    const url = consentUrl(ctx, pair.codeChallenge);
    if (!popup || readsClosed(popup)) throw new OpenRouterAuthError("popup_closed", "The OpenRouter window was closed.");
    attempt.onEnd(listenForCallback(attempt.id, popup, (message) => answer(attempt, ctx, message)));
    popup.location.replace(url);
    attempt.wait("not-seen");
    watch(attempt, popup, ctx);
  },
};

/** The popup's callback page answered (a code, or OpenRouter's `?error=`), even after it was reported closed. */
function answer(attempt: Attempt, ctx: ModeContext, message: CallbackMessage): void {
  if (attempt.phase.name !== "waiting") return;
  closePopup(attempt, ctx);
  if (message.code !== undefined) ctx.exchange(attempt, message.code);
  else attempt.fail(callbackError(String(message.error))); // isCallbackMessage let it in: a code or an error
}

/** Closes the popup if it is still ours to close, and lets focus go back to the control that opened it. */
function closePopup(attempt: Attempt, ctx: ModeContext): void {
  const popup = attempt.window;
  if (!popup) return;
  attempt.window = undefined;
  try {
    popup.close(); // a no-op on a closed window
  } catch {
    // severed or already gone
  }
  ctx.windowClosed();
}

function readsClosed(popup: Window): boolean {
  try {
    return popup.closed;
  } catch {
    return true; // unreadable counts as closed
  }
}

/** While the popup shows the provider's page, reading its location throws. */
function showsProvider(popup: Window): boolean {
  try {
    void popup.location.href;
    return false;
  } catch {
    return true;
  }
}

/**
 * Watches the popup until its answer comes. Once two polls POPUP_SETTLE_MS apart found it at the
 * provider, a popup that reads closed was closed by the user: `popup_closed`. One that reads closed
 * before that may still be open behind COOP: it is `hidden` and the wait goes on.
 */
function watch(attempt: Attempt, popup: Window, ctx: ModeContext): void {
  const userIsBack = watchFocus(attempt, ctx);
  let atProviderSince: number | undefined;
  let seenAt: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  attempt.onEnd(() => clearTimeout(timer));
  const poll = () => {
    // Polls are due only while the popup is not-seen or seen: turning hidden, or closed after it
    // was seen, schedules none. One may still come once an answer moved the attempt on: the popup
    // then reads closed, and wait() and closedByUser leave an attempt that is not waiting alone.
    if (readsClosed(popup)) {
      if (seenAt === undefined) {
        attempt.wait("hidden");
        return userIsBack();
      }
      const soon = Date.now() - seenAt < POPUP_LATE_ANSWER_MS;
      timer = setTimeout(() => closedByUser(attempt, ctx, { listenForLateAnswer: soon }), POPUP_CLOSED_GRACE_MS);
      return;
    }
    if (!showsProvider(popup)) atProviderSince = undefined;
    else if (seenAt === undefined && Date.now() - (atProviderSince ??= Date.now()) >= POPUP_SETTLE_MS) {
      seenAt = Date.now();
      attempt.wait("seen");
    }
    timer = setTimeout(poll, seenAt === undefined ? POPUP_FAST_POLL_MS : POPUP_POLL_MS);
  };
  timer = setTimeout(poll, POPUP_FAST_POLL_MS);
}

/**
 * The hint for a hidden popup. The popup took focus when it opened; when this page gets it back
 * (and keeps it for POPUP_HIDDEN_HINT_DELAY_MS) while the popup is hidden, the user most likely
 * closed it or moved on: the snapshot says so (`popup-hidden`), with Cancel and a way to try again.
 * The wait itself goes on. Focus that came back before the watcher saw the popup close counts too
 * (a popup closed at once): call the returned function when it turns hidden.
 */
function watchFocus(attempt: Attempt, ctx: ModeContext): () => void {
  let back = false;
  let hint: ReturnType<typeof setTimeout> | undefined;
  const hidden = () => attempt.phase.name === "waiting" && attempt.phase.popup === "hidden";
  const showSoon = () => {
    clearTimeout(hint);
    if (back && hidden()) hint = setTimeout(() => hidden() && attempt.wait("hidden-user-back"), POPUP_HIDDEN_HINT_DELAY_MS);
  };
  attempt.listen(ctx.win, "focus", () => {
    back = true;
    showSoon();
  });
  attempt.listen(ctx.win, "blur", () => {
    back = false;
    clearTimeout(hint);
  });
  attempt.onEnd(() => clearTimeout(hint));
  return showSoon;
}

/** The popup we saw at the provider reads closed, and no answer came within the grace period. */
function closedByUser(attempt: Attempt, ctx: ModeContext, { listenForLateAnswer }: { listenForLateAnswer: boolean }): void {
  if (attempt.phase.name !== "waiting") return; // its answer came after all
  const error = new OpenRouterAuthError("popup_closed", "The OpenRouter window was closed before approval.");
  if (!listenForLateAnswer) return attempt.fail(error);
  // Reported, not ended: focus comes back now, a click starts over. Its markers go now (the popup
  // holds its own copy); nothing half-finished stays in storage.
  closePopup(attempt, ctx);
  clearPopupMarker(attempt.id);
  attempt.report(error);
}
