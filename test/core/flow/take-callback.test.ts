// A page OpenRouter sent back to (src/core/flow/callback.ts), below ConnectFlow: what it takes from
// its own URL, what it leaves in the address bar, and who may finish it.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { saveRedirectAttempt } from "../../../src/core/flow/attempt-store.js";
import { callbackWaitsFor, claimCallback, consumeCallback, isCallbackPending, resetCallbackState, takeCallback } from "../../../src/core/flow/callback.js";
import { APP, FakeWindow } from "./fake-browser.js";

let win: FakeWindow;
beforeEach(() => {
  resetCallbackState();
  vi.useFakeTimers({ toFake: ["Date", "setTimeout"] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  resetCallbackState();
});

function at(url: string): FakeWindow {
  win = new FakeWindow(url);
  vi.stubGlobal("window", win);
  return win;
}
const verifier = "v".repeat(43);
const saveRedirect = (extra: Record<string, unknown> = {}) =>
  saveRedirectAttempt({ attemptId: "r1", codeVerifier: verifier, codeChallengeMethod: "S256", callbackUrl: APP, expiresAt: Date.now() + 60_000, flowId: "f1", ...extra });

describe("takeCallback", () => {
  it("without a window, or without code and error, there is nothing", () => {
    expect(takeCallback(APP)).toEqual({ kind: "none" });
    at(`${APP}?state=1`);
    expect(takeCallback(APP)).toEqual({ kind: "none" });
    expect(isCallbackPending()).toBe(false);
  });

  it("a redirect's return: the code with this tab's verifier, the parameters gone from the address bar, kept for the page", () => {
    at(`${APP}?tab=2&code=c1&error_description=x#top`);
    saveRedirect();
    win.history.state = { router: 1 };
    const outcome = takeCallback(APP);
    expect(outcome).toEqual({ kind: "exchange", code: "c1", codeVerifier: verifier, codeChallengeMethod: "S256", flowId: "f1" });
    expect(win.location.href).toBe(`${APP}?tab=2#top`);
    expect(win.history.state).toEqual({ router: 1 });
    // The page's other flows get the same outcome; the first on its route claims it, once.
    expect(takeCallback(APP)).toBe(outcome);
    expect(isCallbackPending()).toBe(true);
    expect(callbackWaitsFor("https://app.example/elsewhere")).toBe(false);
    expect(claimCallback("https://app.example/elsewhere")).toBe(false);
    expect(callbackWaitsFor(APP)).toBe(true);
    expect(claimCallback(APP)).toBe(true);
    expect(claimCallback(APP)).toBe(false);
    expect(callbackWaitsFor(APP)).toBe(false);
    expect(isCallbackPending()).toBe(false);
  });

  it("a redirect's return with ?error= is that error; with a repeated code it is refused, nothing to exchange", () => {
    at(`${APP}?error=access_denied`);
    saveRedirect();
    expect(takeCallback(APP)).toMatchObject({ kind: "error", error: { code: "access_denied" }, flowId: "f1" });
    resetCallbackState();
    at(`${APP}?code=a&code=b`);
    saveRedirect();
    expect(takeCallback(APP)).toMatchObject({ kind: "error", error: { code: "invalid_request" } });
    resetCallbackState();
    at(`${APP}?code=`);
    saveRedirect();
    // An empty code is still a code: the exchange refuses it, not this page.
    expect(takeCallback(APP)).toMatchObject({ kind: "exchange", code: "" });
  });

  it("no attempt anywhere: refused on this flow's own route (no_pending_flow), left alone on another", () => {
    at(`${APP}?code=c1`);
    expect(takeCallback("https://app.example/other")).toEqual({ kind: "none" });
    expect(win.location.href).toBe(`${APP}?code=c1`);
    expect(takeCallback(APP)).toMatchObject({ kind: "error", error: { code: "no_pending_flow" } });
    expect(win.location.href).toBe(APP);
  });

  it("a popup's callback page whose marker is lost: relays only to a same-origin opener", () => {
    at(`${APP}?code=c1`);
    const posted: unknown[] = [];
    win.opener = { location: { origin: "https://evil.example" }, postMessage: (data: unknown) => posted.push(data) };
    expect(takeCallback(APP)).toMatchObject({ kind: "error", error: { code: "no_pending_flow" } });
    resetCallbackState();
    at(`${APP}?code=c2`);
    win.opener = win;
    expect(takeCallback(APP)).toMatchObject({ kind: "error" });
    resetCallbackState();
    at(`${APP}?code=c3`);
    win.opener = {
      get location(): never {
        throw new DOMException("cross-origin", "SecurityError");
      },
    };
    expect(takeCallback(APP)).toMatchObject({ kind: "error" });
    resetCallbackState();
    at(`${APP}?code=c4`);
    win.opener = { location: { origin: new URL(APP).origin }, postMessage: (data: unknown) => posted.push(data) };
    expect(takeCallback(APP)).toEqual({ kind: "relayed" });
    expect(posted).toEqual([{ type: "openrouter-connect:callback", attemptId: null, code: "c4" }]);
    vi.advanceTimersByTime(150);
    expect(win.closedItself).toBe(true);
  });
});

describe("consumeCallback", () => {
  it("takes the callback for this page's own route", () => {
    expect(consumeCallback()).toEqual({ kind: "none" });
    at(`${APP}?code=c1`);
    expect(consumeCallback()).toMatchObject({ kind: "error", error: { code: "no_pending_flow" } });
  });
});
