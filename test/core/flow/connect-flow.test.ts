// ConnectFlow's lifecycle on its own: what it checks before any window opens, the exchange in
// the browser or on your server, and what it publishes (fake window, fake clock, fake OpenRouter).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConnectFlow, connectMessages, connectMessageText, createConnectFlow, OpenRouterAuthError, type ConnectMessageId } from "../../../src/core/index.js";
import { POPUP_SETTLE_MS } from "../../../src/core/flow/popup.js";
import { CALLBACK_MESSAGE_TYPE } from "../../../src/core/index.js";
import { flush, installBrowser, KEY, makeFlow, uninstallBrowser, until, type FakePopup, type FakeWindow } from "./fake-browser.js";

let win: FakeWindow;
beforeEach(() => {
  win = installBrowser();
});
afterEach(uninstallBrowser);

/** Connects with `options` and expects `code` before anything opened, was stored or sent. */
async function refusedBeforeAnything(options: Parameters<typeof makeFlow>[0], code: string, path?: PropertyKey[]) {
  const errors: OpenRouterAuthError[] = [];
  const { flow, exchange, createAuthCode, seen } = makeFlow({ ...options, onError: (error) => errors.push(error) });
  await expect(flow.connect()).resolves.toBeUndefined();
  expect(errors.map((e) => e.code)).toEqual([code]);
  if (path) expect(errors[0]?.issues?.map((i) => i.path)).toContainEqual(path);
  expect(win.openCalls).toEqual([]);
  expect(win.assigned).toEqual([]);
  expect(win.sessionStorage.dump() + win.localStorage.dump()).toBe("");
  expect(exchange.calls).toEqual([]);
  expect(createAuthCode).not.toHaveBeenCalled();
  expect(seen.statuses).toEqual(["error"]);
  return errors[0] as OpenRouterAuthError;
}

describe("checked before any window opens", () => {
  it.each([0, -1, NaN, Infinity, 2 ** 32, "1000", null])("timeoutMs %s: invalid_request, as the client refuses it", async (timeoutMs) => {
    await refusedBeforeAnything({ timeoutMs: timeoutMs as number }, "invalid_request", ["timeoutMs"]);
  });

  it("timeoutMs up to 2^32-1 works, and a deadline beyond setTimeout's range does not fire at once", async () => {
    const { flow, snapshot } = makeFlow({ mode: "redirect", timeoutMs: 2 ** 32 - 1 });
    void flow.connect();
    await until(() => snapshot().status === "awaiting-approval");
    vi.advanceTimersByTime(24 * 24 * 3600 * 1000); // 24 days
    expect(snapshot().status).toBe("awaiting-approval");
  });

  it.each(["popup", "redirect", "paste"] as const)('codeChallengeMethod "plain" (%s): invalid_request saying why', async (mode) => {
    const error = await refusedBeforeAnything({ mode, codeChallengeMethod: "plain" }, "invalid_request", ["codeChallengeMethod"]);
    expect(error.message).toMatch(/S256.*verifier in the consent URL/);
  });

  it('codeChallengeMethod "plain" with mint: invalid_request', async () => {
    await refusedBeforeAnything({ mint: {}, codeChallengeMethod: "plain" }, "invalid_request", ["codeChallengeMethod"]);
  });

  it("without WebCrypto: unsupported", async () => {
    vi.stubGlobal("crypto", undefined);
    const error = await refusedBeforeAnything({}, "unsupported");
    expect(error.message).toMatch(/WebCrypto/);
  });

  it.each([
    ["http on a public host", { authUrl: "http://openrouter.test/auth" }, ["authUrl"]],
    ["a javascript: URL", { authUrl: "javascript:alert(1)" }, ["authUrl"]],
    ["a callback URL over http", { callbackUrl: "http://app.example/cb" }, ["callbackUrl"]],
    ["an exchangeUrl over http", { exchangeUrl: "http://app.example/api/exchange", exchangeOnServer: vi.fn() }, ["exchangeUrl"]],
    ["an exchangeUrl that leaves this site", { exchangeUrl: "/\t/evil.example/x", exchangeOnServer: vi.fn() }, ["exchangeUrl"]],
    ["an exchangeUrl without exchangeOnServer", { exchangeUrl: "/api/exchange" }, ["exchangeOnServer"]],
  ])("%s: invalid_request", async (_label, options, path) => {
    await refusedBeforeAnything(options, "invalid_request", path);
  });

  it("outside a browser: unsupported, and nothing throws", async () => {
    vi.stubGlobal("window", undefined);
    const { flow, seen } = makeFlow();
    await expect(flow.connect()).resolves.toBeUndefined();
    expect(seen.errors.map((e) => e.code)).toEqual(["unsupported"]);
  });
});

describe("the exchange", () => {
  async function popupAnswered(flow: ConnectFlow, code = "auth_code_1") {
    void flow.connect();
    await until(() => flow.getSnapshot().status === "awaiting-approval");
    const popup = win.opened.at(-1) as FakePopup;
    const attemptId = JSON.parse(popup.sessionStorage.getItem("openrouter-connect:popup") as string).attemptId;
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId, code }, popup);
  }

  it("on your server (exchangeOnServer): the key never comes here; onConnected gets the hint, onKey nothing", async () => {
    const exchangeOnServer = vi.fn(async () => ({ userId: "user_1", keyHint: "sk-or-v1-…abcd" }));
    const { flow, seen, exchange, snapshot } = makeFlow({ exchangeOnServer, exchangeUrl: "/api/openrouter/exchange" });
    await popupAnswered(flow);
    await until(() => snapshot().status === "connected");
    expect(exchangeOnServer).toHaveBeenCalledWith(
      { code: "auth_code_1", codeVerifier: expect.stringMatching(/^[\w-]{43}$/), codeChallengeMethod: "S256" },
      { signal: expect.any(AbortSignal), exchangeUrl: "/api/openrouter/exchange" },
    );
    expect(exchange.calls).toEqual([]);
    expect(seen.keys).toEqual([]);
    expect(seen.connected).toEqual([{ userId: "user_1", keyHint: "sk-or-v1-…abcd" }]);
    expect(snapshot()).toMatchObject({ result: undefined, connected: { userId: "user_1", keyHint: "sk-or-v1-…abcd" }, message: "connected" });
    expect(JSON.stringify(snapshot())).not.toContain("sk-or-v1-ab12");
  });

  it("in this browser: onKey gets the key, onConnected the key and its hint", async () => {
    const { flow, seen, snapshot } = makeFlow();
    await popupAnswered(flow);
    await until(() => snapshot().status === "connected");
    expect(seen.keys).toEqual([KEY]);
    expect(seen.connected).toEqual([{ userId: "user_1", keyHint: "sk-or-v1-…ab12", key: KEY }]);
  });

  it("a failed exchange reports its code; the attempt is over", async () => {
    const { flow, seen, exchange, snapshot } = makeFlow();
    exchange.exchangeAuthCode.mockRejectedValueOnce(new OpenRouterAuthError("invalid_code", "OpenRouter answered 403: Invalid code or code_verifier", { status: 403 }));
    await popupAnswered(flow, "auth_code_refused");
    await until(() => snapshot().status === "error");
    expect(seen.errors.map((e) => e.code)).toEqual(["invalid_code"]);
    expect(snapshot()).toMatchObject({ message: "error", canCancel: false });
  });

  it("a reset while exchanging drops the answer: no key reported, back to idle", async () => {
    const { flow, seen, exchange, snapshot } = makeFlow();
    let answer!: (value: { key: string; userId: null }) => void;
    exchange.exchangeAuthCode.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    await popupAnswered(flow);
    await until(() => snapshot().status === "exchanging");
    expect(snapshot().canCancel).toBe(false); // a code on its way can't be called back
    flow.reset();
    answer({ key: KEY, userId: null });
    await flush();
    expect(snapshot().status).toBe("idle");
    expect(seen.keys).toEqual([]);
  });

  it("callbacks that throw don't break the flow", async () => {
    const thrown: unknown[] = [];
    const { flow, snapshot } = makeFlow({
      onStatusChange: () => {
        throw new Error("status callback");
      },
      onKey: () => {
        throw new Error("key callback");
      },
    });
    const onError = (event: PromiseRejectionEvent | Error) => thrown.push(event);
    process.on("uncaughtException", onError);
    try {
      await popupAnswered(flow);
      await until(() => snapshot().status === "connected");
      await flush();
    } finally {
      process.off("uncaughtException", onError);
    }
    expect(snapshot().status).toBe("connected");
    // Not swallowed: each surfaces on its own, after the flow moved on.
    const messages = thrown.map((e) => (e instanceof Error ? e.message : String(e)));
    expect(messages).toContain("status callback");
    expect(messages).toContain("key callback");
  });

  it("setOptions: the next attempt uses the new options; unsubscribe stops the notifications", async () => {
    const { flow, seen } = makeFlow();
    let notified = 0;
    const unsubscribe = flow.subscribe(() => notified++);
    flow.setOptions({
      createAuthCode: async () => ({ data: { id: "x", appId: 1, createdAt: "2030-01-01T00:00:00Z" } }),
      exchangeAuthCode: async () => ({ key: KEY, userId: null }),
      codeChallengeMethod: "plain",
    });
    await flow.connect();
    expect(flow.getSnapshot().error?.code).toBe("invalid_request");
    expect(seen.errors).toEqual([]); // the new options have no onError
    expect(notified).toBeGreaterThan(0);
    const before = notified;
    unsubscribe();
    flow.reset();
    expect(notified).toBe(before);
    expect(flow.getServerSnapshot()).toMatchObject({ status: "idle", relayed: false });
  });
});

describe("what it publishes", () => {
  it("a new snapshot only when a view could show the difference (the watcher's own findings make none)", async () => {
    const { flow, seen } = makeFlow();
    void flow.connect();
    await until(() => flow.getSnapshot().status === "awaiting-approval");
    const count = seen.snapshots.length;
    const before = flow.getSnapshot();
    vi.advanceTimersByTime(POPUP_SETTLE_MS * 5); // seen at the provider
    expect(seen.snapshots).toHaveLength(count);
    expect(flow.getSnapshot()).toBe(before);
  });

  it("idle: no message, no Cancel; reset from anywhere comes back to it", async () => {
    const { flow, snapshot } = makeFlow();
    expect(snapshot()).toEqual({
      status: "idle",
      message: undefined,
      canCancel: false,
      result: undefined,
      connected: undefined,
      error: undefined,
      mode: undefined,
      fallback: undefined,
      pasteUrl: undefined,
      relayed: false,
    });
    expect(flow.getServerSnapshot()).toBe(snapshot());
    void flow.connect();
    flow.reset();
    expect(snapshot()).toMatchObject({ status: "idle", message: undefined, canCancel: false });
    expect((win.opened[0] as FakePopup).closed).toBe(true);
  });

  it("every message id has its text in the one table; an error's text is the error's own", () => {
    const ids: ConnectMessageId[] = ["opening", "creating-code", "awaiting-popup", "popup-hidden", "redirecting", "awaiting-paste", "exchanging", "connected", "relayed", "error"];
    for (const id of ids) expect(connectMessageText(id)).toBe(connectMessages[id]);
    expect(connectMessageText("error", new OpenRouterAuthError("timeout", "No answer within 1 s; please try again."))).toBe("No answer within 1 s; please try again.");
    expect(connectMessageText(undefined)).toBe("");
  });
});

describe("the edges of the lifecycle", () => {
  it('codeChallengeMethod "S256" said explicitly is the default, not refused', async () => {
    const { flow, seen, snapshot } = makeFlow({ codeChallengeMethod: "S256" });
    void flow.connect();
    await until(() => snapshot().status === "awaiting-approval");
    expect(seen.errors).toEqual([]);
  });

  it("cancel, reset and an unmount with no attempt are no-ops that never throw", () => {
    const flow = createConnectFlow({ createAuthCode: vi.fn(), exchangeAuthCode: async () => ({ key: KEY, userId: null }) });
    expect(flow).toBeInstanceOf(ConnectFlow);
    flow.cancel();
    flow.reset();
    flow.mount()();
    expect(() => vi.advanceTimersByTime(1_000)).not.toThrow();
    expect(flow.getSnapshot()).toMatchObject({ status: "idle", message: undefined });
  });

  it("continueInThisTab with no blocked popup behind it goes on in this tab (the page's fallback)", async () => {
    const { flow, snapshot } = makeFlow();
    void flow.continueInThisTab();
    await until(() => win.assigned.length === 1, "the redirect");
    expect(win.openCalls).toEqual([]);
    expect(snapshot().mode).toBe("redirect");
  });

  it("a blocked popup ends the attempt in the click: no PKCE pair is made for it", async () => {
    win.blockPopups = true;
    const digest = vi.spyOn(globalThis.crypto.subtle, "digest"); // the S256 challenge of a pair
    const { flow, seen } = makeFlow();
    await flow.connect();
    await flush();
    expect(seen.errors.map((e) => e.code)).toEqual(["popup_blocked"]);
    expect(digest).not.toHaveBeenCalled();
  });

  it("Cancel while the PKCE pair is being made: the mode never starts (nothing stored, no navigation)", async () => {
    const { flow, seen } = makeFlow({ mode: "redirect" });
    void flow.connect();
    flow.cancel();
    await flush();
    expect(seen.errors.map((e) => e.code)).toEqual(["cancelled"]);
    expect(win.assigned).toEqual([]);
    expect(win.sessionStorage.dump()).toBe("");
  });

  it("submitCode: not in popup mode, even while it waits; a pasted value that is no string is invalid_request", async () => {
    const popupFlow = makeFlow();
    void popupFlow.flow.connect();
    await until(() => popupFlow.snapshot().status === "awaiting-approval");
    await expect(popupFlow.flow.submitCode("auth_code_1")).resolves.toBeUndefined();
    expect(popupFlow.exchange.calls).toEqual([]);
    expect(popupFlow.snapshot().status).toBe("awaiting-approval");

    for (const pasted of [undefined, null, 42]) {
      const { flow, seen, exchange, snapshot } = makeFlow({ mode: "paste" });
      void flow.connect();
      await until(() => snapshot().status === "awaiting-approval");
      await flow.submitCode(pasted as unknown as string);
      expect(seen.errors.map((e) => e.code), String(pasted)).toEqual(["invalid_request"]);
      expect(exchange.calls).toEqual([]);
    }
  });

  it("resume runs once per flow: a callback the page gets later (a client-side navigation) is not taken", async () => {
    const { flow, exchange, snapshot } = makeFlow();
    flow.resume(); // nothing here yet
    win.sessionStorage.setItem(
      "openrouter-connect:redirect",
      JSON.stringify({ attemptId: "a", codeVerifier: "v".repeat(43), codeChallengeMethod: "S256", callbackUrl: win.location.href, expiresAt: Date.now() + 60_000 }),
    );
    win.goTo(`${win.location.href}?code=auth_code_later`);
    flow.resume();
    await flush();
    expect(exchange.calls).toEqual([]);
    expect(snapshot().status).toBe("idle");
  });

  it("a callback for another route: resume leaves it alone, with no timer waiting to claim it", async () => {
    const other = "https://app.example/other/callback";
    win.goTo(`${other}?code=auth_code_elsewhere`);
    win.sessionStorage.setItem(
      "openrouter-connect:redirect",
      JSON.stringify({ attemptId: "a", flowId: ":r9:", codeVerifier: "v".repeat(43), codeChallengeMethod: "S256", callbackUrl: other, expiresAt: Date.now() + 60_000 }),
    );
    const { flow, exchange, snapshot } = makeFlow({ flowId: ":r1:", callbackUrl: "https://app.example/connect" });
    const timers = vi.getTimerCount();
    flow.resume();
    expect(vi.getTimerCount()).toBe(timers);
    vi.advanceTimersByTime(1_000);
    await flush();
    expect(exchange.calls).toEqual([]);
    expect(snapshot().status).toBe("idle");
  });

  it("an unclaimed callback is taken later only by a flow something still listens to", async () => {
    win.sessionStorage.setItem(
      "openrouter-connect:redirect",
      JSON.stringify({ attemptId: "a", flowId: ":r9:", codeVerifier: "v".repeat(43), codeChallengeMethod: "S256", callbackUrl: win.location.href, expiresAt: Date.now() + 60_000 }),
    );
    win.goTo(`${win.location.href}?code=auth_code_back`);
    const exchangeAuthCode = vi.fn(async () => ({ key: KEY, userId: null }));
    const flow = new ConnectFlow({ createAuthCode: vi.fn(), exchangeAuthCode, flowId: ":r1:" }); // nobody subscribed: unmounted
    flow.resume();
    vi.advanceTimersByTime(1_000);
    await flush();
    expect(exchangeAuthCode).not.toHaveBeenCalled();
    expect(flow.getSnapshot().status).toBe("idle");
  });

  it("an unmount during a redirect leaves it alone: its page is leaving", async () => {
    const { flow, snapshot, seen } = makeFlow({ mode: "redirect" });
    const unmount = flow.mount();
    void flow.connect();
    await until(() => win.assigned.length === 1, "the redirect");
    unmount();
    vi.advanceTimersByTime(1_000);
    expect(snapshot().status).toBe("awaiting-approval");
    expect(seen.errors).toEqual([]);
    expect(win.sessionStorage.getItem("openrouter-connect:redirect")).not.toBeNull();
  });

  it("the exchange gets the attempt's signal: a reset while exchanging aborts it, and reports no connection", async () => {
    const { flow, seen, exchange, snapshot } = makeFlow();
    let answer!: (value: { key: string; userId: null }) => void;
    exchange.exchangeAuthCode.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    void flow.connect();
    await until(() => snapshot().status === "awaiting-approval");
    const popup = win.opened.at(-1) as FakePopup;
    const attemptId = JSON.parse(popup.sessionStorage.getItem("openrouter-connect:popup") as string).attemptId;
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId, code: "auth_code_1" }, popup);
    await until(() => snapshot().status === "exchanging");
    const signal = exchange.exchangeAuthCode.mock.calls[0]?.[1]?.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal?.aborted).toBe(false);
    flow.reset();
    expect(signal?.aborted).toBe(true);
    answer({ key: KEY, userId: null });
    await flush();
    expect(seen.keys).toEqual([]);
    expect(seen.connected).toEqual([]);
  });

  it("connects without onKey and onConnected: nothing thrown for the callbacks it does not have", async () => {
    const thrown: unknown[] = [];
    const onError = (error: Error) => thrown.push(error);
    process.on("uncaughtException", onError);
    try {
      const { flow, snapshot } = makeFlow({ onKey: undefined, onConnected: undefined });
      void flow.connect();
      await until(() => snapshot().status === "awaiting-approval");
      const popup = win.opened.at(-1) as FakePopup;
      const attemptId = JSON.parse(popup.sessionStorage.getItem("openrouter-connect:popup") as string).attemptId;
      win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId, code: "auth_code_1" }, popup);
      await until(() => snapshot().status === "connected");
      await flush();
    } finally {
      process.off("uncaughtException", onError);
    }
    expect(thrown).toEqual([]);
  });
});
