// ConnectFlow's popup mode on its own, without React: a fake window and popups whose `closed` and
// cross-origin state each test sets (as users and COOP change them), fake storage, a fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CALLBACK_MESSAGE_TYPE, CHANNEL_NAME } from "../../../src/core/index.js";
import {
  POPUP_CLOSED_GRACE_MS,
  POPUP_HIDDEN_HINT_DELAY_MS,
  POPUP_LATE_ANSWER_MS,
  POPUP_POLL_MS,
  POPUP_SETTLE_MS,
} from "../../../src/core/flow/popup.js";
import { APP, AUTH_URL, challengeMatches, fakeExchange, flush, installBrowser, KEY, makeFlow, uninstallBrowser, until, type FakePopup, type FakeWindow } from "./fake-browser.js";

let win: FakeWindow;
beforeEach(() => {
  win = installBrowser();
});
afterEach(uninstallBrowser);

/** The attempt id the callback page finds in its copy of the opener's sessionStorage. */
function attemptIdOf(popup: FakePopup): string {
  return JSON.parse(popup.sessionStorage.getItem("openrouter-connect:popup") as string).attemptId;
}

/** Clicks connect and waits until the consent page is loading in the popup. */
async function openConsent(flow: ReturnType<typeof makeFlow>["flow"]) {
  const settled = flow.connect();
  await until(() => flow.getSnapshot().status === "awaiting-approval", "awaiting-approval");
  const popup = win.opened.at(-1) as FakePopup;
  return { popup, settled };
}

/** The provider's page shows in the popup long enough to be seen (two polls POPUP_SETTLE_MS apart). */
function seeAtProvider(): void {
  vi.advanceTimersByTime(POPUP_SETTLE_MS + 20);
}

describe("popup: opening inside the click", () => {
  it("opens the window synchronously, before anything is awaited, then sends it to the consent page with an S256 challenge", async () => {
    const { flow, snapshot } = makeFlow();
    void flow.connect();
    // Nothing awaited yet: the window is open, with a placeholder until OpenRouter's page loads.
    expect(win.openCalls).toEqual([{ url: "", target: "openrouter-connect", features: "popup=yes,width=520,height=720" }]);
    const popup = win.opened[0] as FakePopup;
    expect(popup.document).toEqual({ title: "OpenRouter", body: { textContent: "Opening OpenRouter…" } });
    expect(snapshot()).toMatchObject({ status: "opening", message: "opening", canCancel: true, mode: "popup" });

    await until(() => snapshot().status === "awaiting-approval");
    expect(snapshot()).toMatchObject({ message: "awaiting-popup", canCancel: true });
    const consent = new URL(popup.navigatedTo as string);
    expect(consent.origin + consent.pathname).toBe(AUTH_URL);
    expect(consent.searchParams.get("callback_url")).toBe(APP);
    expect(consent.searchParams.get("code_challenge_method")).toBe("S256");
    // Only the attempt id and its callback URL are stored (the popup gets a copy): no secret.
    const marker = JSON.parse(popup.sessionStorage.getItem("openrouter-connect:popup") as string);
    expect(marker).toEqual({ attemptId: expect.stringMatching(/^[0-9a-f]{24}$/), expiresAt: Date.now() + 600_000, callbackUrl: APP });
    expect(win.localStorage.getItem(`openrouter-connect:popup:${marker.attemptId}`)).toBe(JSON.stringify({ expiresAt: marker.expiresAt, callbackUrl: APP }));
  });

  it("blocked: popup_blocked with a way on in this tab, nothing left in storage", async () => {
    win.blockPopups = true;
    const { flow, seen, snapshot } = makeFlow();
    await expect(flow.connect()).resolves.toBeUndefined();
    expect(seen.statuses).toEqual(["error"]);
    expect(snapshot()).toMatchObject({ status: "error", message: "error", canCancel: false, fallback: "redirect" });
    expect(seen.errors).toEqual([{ code: "popup_blocked", message: "The browser blocked the OpenRouter window." }]);
    expect(win.sessionStorage.dump() + win.localStorage.dump()).toBe("");

    void flow.continueInThisTab();
    await until(() => win.assigned.length === 1, "the redirect");
    expect(snapshot()).toMatchObject({ status: "awaiting-approval", mode: "redirect", message: "redirecting", fallback: undefined });
  });

  it("a window.open that throws counts as blocked", async () => {
    vi.spyOn(win, "open").mockImplementation(() => {
      throw new Error("blocked by policy");
    });
    const { flow, seen } = makeFlow();
    await flow.connect();
    expect(seen.errors.map((e) => e.code)).toEqual(["popup_blocked"]);
  });

  it("a popup closed before the consent page could load in it: popup_closed", async () => {
    const { flow, seen, snapshot } = makeFlow();
    void flow.connect();
    (win.opened[0] as FakePopup).closed = true; // closed in the same moment it opened
    await until(() => snapshot().status === "error");
    expect(seen.errors.map((e) => e.code)).toEqual(["popup_closed"]);
    expect(win.sessionStorage.dump() + win.localStorage.dump()).toBe("");
  });
});

describe("popup: the answer", () => {
  it("takes the code only from its own popup, on this origin, for this attempt (or none), and exchanges it once with the verifier", async () => {
    const { flow, seen, exchange, snapshot } = makeFlow();
    const { popup, settled } = await openConsent(flow);
    seeAtProvider();
    const attemptId = attemptIdOf(popup);
    const message = (code: string, id: string | null = attemptId) => ({ type: CALLBACK_MESSAGE_TYPE, attemptId: id, code });
    win.receiveMessage(message("from-elsewhere"), popup, "https://evil.example");
    win.receiveMessage(message("from-another-window"), {});
    win.receiveMessage(message("for-another-attempt", "other"), popup);
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId }, popup); // neither code nor error
    await flush();
    expect(exchange.calls).toEqual([]);
    expect(snapshot().status).toBe("awaiting-approval");

    win.receiveMessage(message("auth_code_1", null), popup); // a callback page that lost its marker
    win.receiveMessage(message("auth_code_2"), popup); // a second answer: ignored
    await expect(settled).resolves.toEqual({ key: KEY, userId: "user_1" });
    expect(exchange.calls.map((c) => c.request)).toEqual([{ code: "auth_code_1", codeVerifier: expect.any(String), codeChallengeMethod: "S256" }]);
    expect(await challengeMatches(popup.navigatedTo as string, exchange.calls[0]?.request.codeVerifier)).toBe(true);
    expect(popup.closed).toBe(true);
    expect(seen.windowClosed).toBe(1);
    expect(seen.statuses).toEqual(["opening", "awaiting-approval", "exchanging", "connected"]);
    expect(snapshot()).toMatchObject({ status: "connected", message: "connected", canCancel: false, result: { key: KEY, userId: "user_1" } });
    expect(snapshot().connected).toEqual({ userId: "user_1", keyHint: "sk-or-v1-…ab12", key: KEY });
    expect(seen.keys).toEqual([KEY]);
    expect(seen.connected).toHaveLength(1);
    expect(win.sessionStorage.dump() + win.localStorage.dump()).toBe("");
  });

  it("hears the answer over the BroadcastChannel when COOP severed the popup's opener", async () => {
    const { flow, exchange, snapshot } = makeFlow();
    const { popup } = await openConsent(flow);
    const channel = new BroadcastChannel(CHANNEL_NAME);
    channel.postMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: "another-attempt", code: "not-ours" });
    channel.postMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), code: "auth_code_channel" });
    channel.close();
    await until(() => snapshot().status === "connected", "connected");
    expect(exchange.calls.map((c) => c.request.code)).toEqual(["auth_code_channel"]);
  });

  it("reports OpenRouter's ?error= as its code (access_denied), nothing exchanged", async () => {
    const { flow, seen, exchange } = makeFlow();
    const { popup } = await openConsent(flow);
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), error: "access_denied" }, popup);
    await flush();
    expect(seen.errors).toEqual([{ code: "access_denied", message: "You declined the request on OpenRouter." }]);
    expect(exchange.calls).toEqual([]);
    expect(popup.closed).toBe(true);
  });

  it("reports a callback address that repeated a parameter (relayed as repeated_parameter) as invalid_request, nothing exchanged", async () => {
    const { flow, seen, exchange } = makeFlow();
    const { popup } = await openConsent(flow);
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), error: "repeated_parameter" }, popup);
    await flush();
    expect(seen.errors.map((e) => e.code)).toEqual(["invalid_request"]);
    expect(exchange.calls).toEqual([]);
  });
});

describe("popup: COOP and the user closing it", () => {
  it("closed after it was seen at the provider: popup_closed after the grace period, within a second", async () => {
    const { flow, seen, snapshot } = makeFlow();
    const { popup } = await openConsent(flow);
    seeAtProvider();
    vi.advanceTimersByTime(POPUP_LATE_ANSWER_MS); // the user reads the page, then closes it
    popup.closed = true;
    const closedAt = Date.now();
    vi.advanceTimersByTime(POPUP_POLL_MS); // the next poll sees it
    expect(seen.errors).toEqual([]); // the grace period: its answer may still be on the way
    vi.advanceTimersByTime(POPUP_CLOSED_GRACE_MS);
    expect(seen.errors).toEqual([{ code: "popup_closed", message: "The OpenRouter window was closed before approval." }]);
    expect(Date.now() - closedAt).toBeLessThan(1000);
    expect(snapshot()).toMatchObject({ status: "error", canCancel: false });
    expect(win.sessionStorage.dump() + win.localStorage.dump()).toBe("");
  });

  it("an answer within the grace period wins over popup_closed", async () => {
    const { flow, seen, snapshot } = makeFlow();
    const { popup } = await openConsent(flow);
    seeAtProvider();
    vi.advanceTimersByTime(POPUP_LATE_ANSWER_MS);
    popup.closed = true;
    vi.advanceTimersByTime(POPUP_POLL_MS);
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), code: "auth_code_1" }, popup);
    vi.advanceTimersByTime(POPUP_CLOSED_GRACE_MS);
    await until(() => snapshot().status === "connected");
    expect(seen.errors).toEqual([]);
  });

  it("closed before it was seen at the provider (COOP, or closed at once): hidden, the wait goes on, and its code still finishes the flow", async () => {
    const { flow, seen, snapshot } = makeFlow();
    const { popup } = await openConsent(flow);
    popup.closed = true; // reads closed while still at about:blank, or a COOP page cut it off at once
    vi.advanceTimersByTime(60_000);
    expect(seen.errors).toEqual([]);
    expect(snapshot()).toMatchObject({ status: "awaiting-approval", message: "awaiting-popup", canCancel: true });
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), code: "auth_code_late" }, popup);
    await until(() => snapshot().status === "connected");
  });

  it("closed within the settle time (cross-origin for a moment, then closed: Chromium's COOP) counts as hidden, not closed by the user", async () => {
    const { flow, seen, snapshot } = makeFlow();
    const { popup } = await openConsent(flow);
    vi.advanceTimersByTime(POPUP_SETTLE_MS - 10); // at the provider, not long enough
    popup.closed = true;
    vi.advanceTimersByTime(5_000);
    expect(seen.errors).toEqual([]);
    expect(snapshot().status).toBe("awaiting-approval");
    // A click now starts over in a new window: the hidden one may be closed.
    void flow.connect();
    expect(win.opened).toHaveLength(2);
  });

  it("hidden, and this page gets focus back: after POPUP_HIDDEN_HINT_DELAY_MS the snapshot says so, with Cancel; the wait goes on", async () => {
    const { flow, seen, snapshot } = makeFlow();
    const { popup } = await openConsent(flow);
    popup.closed = true;
    vi.advanceTimersByTime(POPUP_POLL_MS);
    win.focus();
    vi.advanceTimersByTime(POPUP_HIDDEN_HINT_DELAY_MS - 1);
    expect(snapshot().message).toBe("awaiting-popup");
    vi.advanceTimersByTime(1);
    expect(snapshot()).toMatchObject({ status: "awaiting-approval", message: "popup-hidden", canCancel: true });
    expect(seen.statuses).toEqual(["opening", "awaiting-approval"]); // a hint, not a status change
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), code: "auth_code_after_hint" }, popup);
    await until(() => snapshot().status === "connected");
    expect(snapshot().message).toBe("connected");
  });

  it("hidden, then the approving popup's answer comes with the focus: no hint, ever", async () => {
    const { flow, snapshot, seen } = makeFlow();
    const { popup } = await openConsent(flow);
    popup.closed = true; // COOP hides it while the user approves
    vi.advanceTimersByTime(POPUP_POLL_MS);
    win.focus(); // the approving popup closes itself and hands focus back...
    vi.advanceTimersByTime(150);
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), code: "auth_code_1" }, popup); // ...its code arrives
    vi.advanceTimersByTime(POPUP_HIDDEN_HINT_DELAY_MS * 2);
    await until(() => snapshot().status === "connected");
    expect(seen.snapshots.map((s) => s.message)).not.toContain("popup-hidden");
  });

  it("focus that came back before the watcher saw the popup close (closed at once) counts: the hint shows", async () => {
    const { flow, snapshot } = makeFlow();
    const { popup } = await openConsent(flow);
    win.blur(); // the popup took focus
    popup.closed = true; // the user closes it at once...
    win.focus(); // ...and is back here before the next poll
    vi.advanceTimersByTime(POPUP_POLL_MS + POPUP_HIDDEN_HINT_DELAY_MS);
    expect(snapshot().message).toBe("popup-hidden");
  });

  it("focus that leaves again before the delay shows no hint", async () => {
    const { flow, snapshot } = makeFlow();
    const { popup } = await openConsent(flow);
    popup.closed = true;
    vi.advanceTimersByTime(POPUP_POLL_MS);
    win.focus();
    vi.advanceTimersByTime(POPUP_HIDDEN_HINT_DELAY_MS / 2);
    win.blur(); // back to the (COOP-hidden, still open) popup
    vi.advanceTimersByTime(POPUP_HIDDEN_HINT_DELAY_MS * 2);
    expect(snapshot().message).toBe("awaiting-popup");
  });

  it("a visible popup never shows the hint, whatever focus does", async () => {
    const { flow, snapshot } = makeFlow();
    await openConsent(flow);
    seeAtProvider();
    win.focus();
    vi.advanceTimersByTime(POPUP_HIDDEN_HINT_DELAY_MS * 3);
    expect(snapshot().message).toBe("awaiting-popup");
  });

  it("the hint's Try again (a click) starts over in a new window with a new challenge; Cancel ends it", async () => {
    const { flow, seen, snapshot } = makeFlow();
    const { popup: first } = await openConsent(flow);
    first.closed = true;
    vi.advanceTimersByTime(POPUP_POLL_MS);
    win.focus();
    vi.advanceTimersByTime(POPUP_HIDDEN_HINT_DELAY_MS);
    expect(snapshot().message).toBe("popup-hidden");
    const { popup: second } = await openConsent(flow);
    expect(win.opened).toHaveLength(2);
    expect(second === first).toBe(false);
    expect(new URL(second.navigatedTo as string).searchParams.get("code_challenge")).not.toBe(new URL(first.navigatedTo as string).searchParams.get("code_challenge"));
    expect(snapshot().message).toBe("awaiting-popup");
    expect(seen.errors).toEqual([]); // the first attempt ended quietly
    // The first attempt's answer is no longer heard.
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(first), code: "stale" }, first);
    await flush();
    expect(snapshot().status).toBe("awaiting-approval");
    flow.cancel();
    expect(seen.errors).toEqual([{ code: "cancelled", message: "Connecting was cancelled." }]);
    expect(second.closed).toBe(true);
    expect(win.sessionStorage.dump() + win.localStorage.dump()).toBe("");
  });

  it("read closed soon after it was seen: popup_closed is reported, yet a late answer over the channel still finishes the flow", async () => {
    const { flow, seen, snapshot } = makeFlow();
    const { popup, settled } = await openConsent(flow);
    seeAtProvider();
    popup.closed = true; // COOP cutting it off late (or a quick user)
    vi.advanceTimersByTime(POPUP_POLL_MS + POPUP_CLOSED_GRACE_MS);
    expect(seen.errors.map((e) => e.code)).toEqual(["popup_closed"]);
    expect(snapshot()).toMatchObject({ status: "error", message: "error", canCancel: false });
    await expect(settled).resolves.toBeUndefined(); // reported: the caller hears now
    expect(seen.windowClosed).toBe(1); // focus can come back
    expect(win.sessionStorage.dump() + win.localStorage.dump()).toBe(""); // markers gone (the popup has its copy)

    const channel = new BroadcastChannel(CHANNEL_NAME);
    channel.postMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), code: "auth_code_late" });
    channel.close();
    await until(() => snapshot().status === "connected", "connected by the late answer");
    expect(seen.statuses).toEqual(["opening", "awaiting-approval", "error", "exchanging", "connected"]);
    expect(snapshot().error).toBeUndefined();
    expect(seen.keys).toEqual([KEY]);
  });

  it("a reported attempt stops listening at the deadline, quietly (one error is enough)", async () => {
    const close = vi.spyOn(BroadcastChannel.prototype, "close");
    const { flow, seen, snapshot } = makeFlow({ timeoutMs: 5_000 });
    const { popup } = await openConsent(flow);
    seeAtProvider();
    popup.closed = true;
    vi.advanceTimersByTime(POPUP_POLL_MS + POPUP_CLOSED_GRACE_MS);
    expect(seen.errors.map((e) => e.code)).toEqual(["popup_closed"]);
    close.mockClear();
    vi.advanceTimersByTime(5_000);
    expect(close).toHaveBeenCalled(); // the attempt's channel is shut
    expect(seen.errors.map((e) => e.code)).toEqual(["popup_closed"]); // no timeout on top
    expect(snapshot().status).toBe("error");
    flow.cancel(); // nothing left to cancel
    expect(seen.errors).toHaveLength(1);
  });

  it("read closed long after it was seen: popup_closed, and the attempt is over (a late answer is not taken)", async () => {
    const { flow, seen, exchange } = makeFlow();
    const { popup } = await openConsent(flow);
    seeAtProvider();
    vi.advanceTimersByTime(POPUP_LATE_ANSWER_MS + POPUP_POLL_MS);
    popup.closed = true;
    vi.advanceTimersByTime(POPUP_POLL_MS + POPUP_CLOSED_GRACE_MS);
    expect(seen.errors.map((e) => e.code)).toEqual(["popup_closed"]);
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), code: "too_late" }, popup);
    await flush();
    expect(exchange.calls).toEqual([]);
  });
});

describe("popup: clicks, Cancel, the deadline and the owner", () => {
  it("a second click while the popup is visible brings it to the front: same attempt, no new window", async () => {
    const { flow } = makeFlow();
    const { popup, settled } = await openConsent(flow);
    seeAtProvider();
    expect(flow.connect()).toBe(settled);
    expect(win.opened).toHaveLength(1);
    expect(popup.focused).toBe(1);
  });

  it("a second click while opening is the same attempt", () => {
    const { flow } = makeFlow();
    const first = flow.connect();
    expect(flow.connect()).toBe(first);
    expect(win.opened).toHaveLength(1);
  });

  it("Cancel while waiting: cancelled, the popup closed, storage clean", async () => {
    const { flow, seen, snapshot } = makeFlow();
    const { popup, settled } = await openConsent(flow);
    flow.cancel();
    await expect(settled).resolves.toBeUndefined();
    expect(seen.errors.map((e) => e.code)).toEqual(["cancelled"]);
    expect(snapshot()).toMatchObject({ status: "error", canCancel: false });
    expect(popup.closed).toBe(true);
    expect(win.sessionStorage.dump() + win.localStorage.dump()).toBe("");
  });

  it("the deadline ends the wait with timeout and closes the popup", async () => {
    const { flow, seen } = makeFlow({ timeoutMs: 2_500 });
    const { popup } = await openConsent(flow);
    seeAtProvider();
    vi.advanceTimersByTime(2_500);
    expect(seen.errors).toEqual([{ code: "timeout", message: "No answer within 3 s; please try again." }]);
    expect(popup.closed).toBe(true);
  });

  it("keeps an attempt through a quick unmount and mount (StrictMode); ends it, popup closed, when the owner is gone", async () => {
    const { flow, snapshot } = makeFlow();
    let unmount = flow.mount();
    const { popup } = await openConsent(flow);
    unmount();
    unmount = flow.mount(); // StrictMode's second mount, in the same task
    vi.advanceTimersByTime(10);
    expect(snapshot().status).toBe("awaiting-approval");
    expect(popup.closed).toBe(false);
    unmount();
    vi.advanceTimersByTime(1);
    expect(popup.closed).toBe(true);
    expect(win.sessionStorage.dump() + win.localStorage.dump()).toBe("");
  });
});

describe("popup: a window that cannot be read", () => {
  it("a popup whose closed throws counts as closed: hidden, and a click starts over in a new window", async () => {
    const { flow } = makeFlow();
    const { popup } = await openConsent(flow);
    Object.defineProperty(popup, "closed", {
      get() {
        throw new DOMException("severed", "SecurityError");
      },
    });
    vi.advanceTimersByTime(10);
    void flow.connect();
    expect(win.opened).toHaveLength(2);
  });
});

describe("popup: the watcher's exact rules", () => {
  // Under the fake clock the first poll comes POPUP_FAST_POLL_MS (5 ms) after the consent page
  // started loading and finds it at the provider; the popup counts as seen at the poll
  // POPUP_SETTLE_MS after that one (25 ms), and is then polled every POPUP_POLL_MS.
  const SEEN_AT = 5 + POPUP_SETTLE_MS;

  it("seen exactly POPUP_SETTLE_MS after the first poll at the provider, then polled every POPUP_POLL_MS", async () => {
    const { flow, seen } = makeFlow();
    const { popup } = await openConsent(flow);
    vi.advanceTimersByTime(SEEN_AT); // the poll at 25 ms sees it
    popup.closed = true;
    // Polled at 275 ms now: closed after it was seen, so popup_closed once the grace period is over.
    vi.advanceTimersByTime(POPUP_POLL_MS - 1 + POPUP_CLOSED_GRACE_MS - 1);
    expect(seen.errors).toEqual([]); // not polled fast after it was seen
    vi.advanceTimersByTime(2);
    expect(seen.errors.map((e) => e.code)).toEqual(["popup_closed"]);
  });

  it("read closed exactly POPUP_LATE_ANSWER_MS after it was seen: over, no late answer taken", async () => {
    const { flow, seen, exchange } = makeFlow();
    const { popup } = await openConsent(flow);
    vi.advanceTimersByTime(SEEN_AT + 3 * POPUP_POLL_MS + 1); // polls at 275, 525 and 775 ms found it open
    popup.closed = true;
    vi.advanceTimersByTime(POPUP_POLL_MS + POPUP_CLOSED_GRACE_MS); // the poll 1000 ms after it was seen reads it closed
    expect(seen.errors.map((e) => e.code)).toEqual(["popup_closed"]);
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), code: "too_late" }, popup);
    await flush();
    expect(exchange.calls).toEqual([]);
  });

  it("a popup on this origin (not the provider's page) is never seen: it closing is hidden, not popup_closed", async () => {
    const { flow, seen, snapshot } = makeFlow();
    const { popup } = await openConsent(flow);
    popup.at = "app"; // readable: back on this origin
    vi.advanceTimersByTime(POPUP_SETTLE_MS * 10);
    popup.closed = true;
    vi.advanceTimersByTime(POPUP_POLL_MS + POPUP_CLOSED_GRACE_MS * 2);
    expect(seen.errors).toEqual([]);
    expect(snapshot().status).toBe("awaiting-approval");
  });

  it("while its code is exchanged, the watcher and any later answer leave the attempt alone", async () => {
    const held = fakeExchange({ hold: true });
    const { flow, seen, snapshot } = makeFlow({ exchangeAuthCode: held.exchangeAuthCode });
    const { popup } = await openConsent(flow);
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), code: "auth_code_1" }, popup);
    await until(() => snapshot().status === "exchanging");
    expect(popup.closed).toBe(true);
    vi.advanceTimersByTime(POPUP_POLL_MS * 4); // polls due meanwhile find the popup closed
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: attemptIdOf(popup), error: "access_denied" }, popup);
    await flush();
    expect(snapshot().status).toBe("exchanging");
    held.answer();
    await until(() => snapshot().status === "connected");
    expect(seen.errors).toEqual([]);
  });

  it("focus that came and went while the popup was visible shows no hint once it is hidden", async () => {
    const { flow, snapshot } = makeFlow();
    const { popup } = await openConsent(flow);
    win.focus();
    win.blur(); // back to the popup
    popup.closed = true;
    vi.advanceTimersByTime(POPUP_POLL_MS);
    vi.advanceTimersByTime(POPUP_HIDDEN_HINT_DELAY_MS * 3);
    expect(snapshot().message).toBe("awaiting-popup");
  });

  it("an attempt that ends leaves no timer behind: neither the watcher's poll nor the hint's delay", async () => {
    const visible = makeFlow();
    await openConsent(visible.flow);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    visible.flow.cancel();
    expect(vi.getTimerCount()).toBe(0);

    const hidden = makeFlow();
    const { popup } = await openConsent(hidden.flow);
    popup.closed = true;
    vi.advanceTimersByTime(POPUP_POLL_MS); // hidden: no more polls
    win.focus(); // the hint's delay starts
    hidden.flow.cancel();
    expect(vi.getTimerCount()).toBe(0);
  });
});
