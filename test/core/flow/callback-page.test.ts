// The page OpenRouter sends a popup back to: it takes the callback only on its attempt's route,
// relays the code to the window that holds the verifier, and closes itself. Fake window and clock.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CALLBACK_MESSAGE_TYPE, CHANNEL_NAME, consumeCallback, isCallbackPending } from "../../../src/core/index.js";
import { installBrowser, makeFlow, uninstallBrowser, until, type FakeWindow } from "./fake-browser.js";

const CALLBACK = "https://app.example/openrouter/callback";
let win: FakeWindow;
let channel: BroadcastChannel;
let heard: unknown[];

beforeEach(() => {
  heard = [];
  channel = new BroadcastChannel(CHANNEL_NAME);
  channel.onmessage = (event) => heard.push(event.data);
});
afterEach(() => {
  channel.close();
  uninstallBrowser();
});

/** The callback page in a popup at `url`, with an opener on this origin (or `opener`) and the opener's marker copied in. */
function callbackPage(url: string, { marker = { attemptId: "att-1", callbackUrl: CALLBACK }, opener = "same-origin" as "same-origin" | "none" } = {}) {
  win = installBrowser(url);
  const postMessage = vi.fn();
  if (opener === "same-origin") win.opener = { postMessage, location: { origin: "https://app.example" } };
  if (marker) win.sessionStorage.setItem("openrouter-connect:popup", JSON.stringify({ ...marker, expiresAt: Date.now() + 60_000 }));
  return { postMessage };
}

describe("a popup's callback page", () => {
  it("on its attempt's route: relays the code to the opener (this origin only) and over the channel, cleans the address, closes itself", async () => {
    const { postMessage } = callbackPage(`${CALLBACK}?code=auth_code_1&state=kept`);
    const { flow, snapshot, exchange } = makeFlow({ callbackUrl: CALLBACK });
    flow.resume();
    expect(snapshot()).toMatchObject({ relayed: true, message: "relayed", status: "idle" });
    const message = { type: CALLBACK_MESSAGE_TYPE, attemptId: "att-1", code: "auth_code_1" };
    expect(postMessage).toHaveBeenCalledWith(message, "https://app.example");
    await until(() => heard.length === 1, "the channel");
    expect(heard).toEqual([message]);
    expect(win.location.href).toBe(`${CALLBACK}?state=kept`);
    expect(win.sessionStorage.dump()).toBe("");
    expect(exchange.calls).toEqual([]); // the verifier is in the opener, not here
    expect(win.closedItself).toBe(false);
    vi.advanceTimersByTime(150); // the channel's message leaves first
    expect(win.closedItself).toBe(true);
  });

  it("every flow of the page sees it relayed, once per page load", () => {
    callbackPage(`${CALLBACK}?code=auth_code_1`);
    const a = makeFlow({ callbackUrl: CALLBACK });
    const b = makeFlow();
    a.flow.resume();
    b.flow.resume();
    expect(a.snapshot().relayed).toBe(true);
    expect(b.snapshot().relayed).toBe(true);
    expect(consumeCallback()).toEqual({ kind: "relayed" });
  });

  it("a reset here keeps saying the page relayed its callback; an error from before is reported once", () => {
    callbackPage(`${CALLBACK}?code=auth_code_1`);
    const { flow, snapshot, seen } = makeFlow({ callbackUrl: CALLBACK, timeoutMs: 0 });
    void flow.connect(); // refused: invalid timeoutMs
    expect(seen.errors.map((e) => e.code)).toEqual(["invalid_request"]);
    flow.resume();
    expect(snapshot()).toMatchObject({ relayed: true, status: "error" });
    expect(seen.errors).toHaveLength(1); // the same error, not a new one
    flow.reset();
    expect(snapshot()).toMatchObject({ relayed: true, message: "relayed", status: "idle", error: undefined });
  });

  it("on another route of the app: left alone (address, marker), nothing relayed", async () => {
    const { postMessage } = callbackPage("https://app.example/elsewhere?code=not_for_here");
    const { flow, snapshot, seen } = makeFlow(); // its own route is this page
    flow.resume();
    expect(win.location.href).toBe("https://app.example/elsewhere?code=not_for_here");
    expect(postMessage).not.toHaveBeenCalled();
    expect(win.sessionStorage.getItem("openrouter-connect:popup")).not.toBeNull();
    expect(snapshot()).toMatchObject({ relayed: false, status: "idle" });
    expect(seen.errors).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(win.closedItself).toBe(false);
    expect(heard).toEqual([]);
    expect(isCallbackPending()).toBe(false);
  });

  it("without its sessionStorage copy: the one popup attempt pending for this route in localStorage", () => {
    const { postMessage } = callbackPage(`${CALLBACK}?code=auth_code_1`, { marker: null as never });
    win.localStorage.setItem("openrouter-connect:popup:att-9", JSON.stringify({ expiresAt: Date.now() + 60_000, callbackUrl: CALLBACK }));
    win.localStorage.setItem("openrouter-connect:popup:att-other-route", JSON.stringify({ expiresAt: Date.now() + 60_000, callbackUrl: "https://app.example/" }));
    makeFlow({ callbackUrl: CALLBACK }).flow.resume();
    expect(postMessage).toHaveBeenCalledWith(expect.objectContaining({ attemptId: "att-9", code: "auth_code_1" }), "https://app.example");
  });

  it("with several attempts pending for this route: to the same-origin opener only, without an id (it checks the source)", () => {
    const { postMessage } = callbackPage(`${CALLBACK}?code=auth_code_1`, { marker: null as never });
    for (const id of ["a", "b"]) win.localStorage.setItem(`openrouter-connect:popup:${id}`, JSON.stringify({ expiresAt: Date.now() + 60_000, callbackUrl: CALLBACK }));
    makeFlow({ callbackUrl: CALLBACK }).flow.resume();
    expect(postMessage).toHaveBeenCalledWith({ type: CALLBACK_MESSAGE_TYPE, attemptId: null, code: "auth_code_1" }, "https://app.example");
  });

  it("with no attempt pending anywhere and no opener of this origin: no_pending_flow on a flow's own route, parameters removed", () => {
    callbackPage(`${CALLBACK}?code=forged`, { marker: null as never, opener: "none" });
    const { flow, seen } = makeFlow({ callbackUrl: CALLBACK });
    flow.resume();
    expect(seen.errors.map((e) => e.code)).toEqual(["no_pending_flow"]);
    expect(win.location.href).toBe(CALLBACK);
  });

  it("with an attempt pending for another route: left alone even on a flow's own route", () => {
    const { postMessage } = callbackPage(`${CALLBACK}?code=forged`, { marker: { attemptId: "att-1", callbackUrl: "https://app.example/" } });
    const { flow, seen } = makeFlow({ callbackUrl: CALLBACK });
    flow.resume();
    expect(seen.errors).toEqual([]);
    expect(postMessage).not.toHaveBeenCalled();
    expect(win.location.href).toBe(`${CALLBACK}?code=forged`);
  });

  it("a repeated code is never relayed as a code: the opener hears repeated_parameter", () => {
    const { postMessage } = callbackPage(`${CALLBACK}?code=a&code=b`);
    makeFlow({ callbackUrl: CALLBACK }).flow.resume();
    expect(postMessage).toHaveBeenCalledWith({ type: CALLBACK_MESSAGE_TYPE, attemptId: "att-1", error: "repeated_parameter" }, "https://app.example");
    expect(win.location.href).toBe(CALLBACK);
  });

  it("an opener on another origin is no fallback: no_pending_flow, nothing posted", () => {
    callbackPage(`${CALLBACK}?code=auth_code_1`, { marker: null as never, opener: "none" });
    const postMessage = vi.fn();
    win.opener = {
      postMessage,
      get location(): never {
        throw new DOMException("cross-origin", "SecurityError");
      },
    };
    const { flow, seen } = makeFlow({ callbackUrl: CALLBACK });
    flow.resume();
    expect(seen.errors.map((e) => e.code)).toEqual(["no_pending_flow"]);
    expect(postMessage).not.toHaveBeenCalled();
  });
});
