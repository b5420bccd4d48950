// ConnectFlow's paste and minted modes on their own (fake window, fake clock, fake OpenRouter).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OpenRouterAuthError } from "../../../src/core/index.js";
import { APP, AUTH_URL, challengeMatches, flush, installBrowser, KEY, makeFlow, uninstallBrowser, until, type FakePopup, type FakeWindow } from "./fake-browser.js";

let win: FakeWindow;
beforeEach(() => {
  win = installBrowser();
});
afterEach(uninstallBrowser);

describe("paste", () => {
  it("opens OpenRouter's headless page in a new tab inside the click, with no way back to this page", async () => {
    const { flow, snapshot } = makeFlow({ mode: "paste", keyLabel: "CLI" });
    void flow.connect();
    expect(win.openCalls).toEqual([{ url: "", target: "_blank", features: undefined }]);
    await until(() => snapshot().status === "awaiting-approval");
    const tab = win.opened[0] as FakePopup;
    expect(tab.opener).toBeNull();
    const consent = new URL(tab.navigatedTo as string);
    expect(consent.origin + consent.pathname).toBe(AUTH_URL);
    expect(consent.searchParams.has("callback_url")).toBe(false);
    expect(consent.searchParams.get("key_label")).toBe("CLI");
    expect(snapshot()).toMatchObject({ message: "awaiting-paste", canCancel: true, pasteUrl: consent.toString(), mode: "paste" });
    expect(win.sessionStorage.dump() + win.localStorage.dump()).toBe("");
  });

  it("exchanges the pasted code, trimmed, once; a second submit is ignored; the tab stays open", async () => {
    const { flow, exchange, snapshot, seen } = makeFlow({ mode: "paste" });
    void flow.connect();
    await until(() => snapshot().status === "awaiting-approval");
    const tab = win.opened[0] as FakePopup;
    const first = flow.submitCode("  auth_code_pasted\n");
    const second = flow.submitCode("auth_code_pasted");
    await expect(first).resolves.toEqual({ key: KEY, userId: "user_1" });
    await expect(second).resolves.toBeUndefined();
    expect(exchange.calls.map((c) => c.request.code)).toEqual(["auth_code_pasted"]);
    expect(await challengeMatches(tab.navigatedTo as string, exchange.calls[0]?.request.codeVerifier)).toBe(true);
    expect(snapshot()).toMatchObject({ status: "connected", pasteUrl: undefined });
    expect(tab.closed).toBe(false); // a tab the user reads the code in is theirs to close
    expect(seen.windowClosed).toBe(0);
  });

  it("refuses pasted text that is no code (invalid_request), before any request", async () => {
    const { flow, exchange, snapshot, seen } = makeFlow({ mode: "paste" });
    void flow.connect();
    await until(() => snapshot().status === "awaiting-approval");
    await flow.submitCode("two words");
    expect(seen.errors.map((e) => e.code)).toEqual(["invalid_request"]);
    expect(exchange.calls).toEqual([]);
  });

  it("with the tab blocked, still waits and offers the consent page as a link", async () => {
    win.blockPopups = true;
    const { flow, snapshot, seen } = makeFlow({ mode: "paste" });
    void flow.connect();
    await until(() => snapshot().status === "awaiting-approval");
    expect(snapshot().pasteUrl).toMatch(/^https:\/\/openrouter\.test\/auth\?/);
    expect(seen.errors).toEqual([]);
  });

  it("takes a code only while it waits for one, in paste mode", async () => {
    const { flow, exchange } = makeFlow();
    await expect(flow.submitCode("auth_code_1")).resolves.toBeUndefined(); // idle
    void flow.connect(); // popup mode
    await flush();
    await expect(flow.submitCode("auth_code_1")).resolves.toBeUndefined();
    expect(exchange.calls).toEqual([]);
  });
});

describe("minted", () => {
  it("creates the code with the spend controls and this attempt's challenge, then exchanges it; no window, no Cancel", async () => {
    const { flow, createAuthCode, exchange, snapshot, seen } = makeFlow({ mint: { limit: 5, usageLimitType: "monthly", keyLabel: "Team" } });
    const settled = flow.connect();
    expect(win.openCalls).toEqual([]);
    expect(snapshot()).toMatchObject({ status: "opening", message: "creating-code", canCancel: false, mode: "minted" });
    await expect(settled).resolves.toEqual({ key: KEY, userId: "user_1" });
    const [request, options] = createAuthCode.mock.calls[0] as unknown as [Record<string, unknown>, { signal: AbortSignal }];
    expect(request).toEqual({ limit: 5, usageLimitType: "monthly", keyLabel: "Team", callbackUrl: APP, codeChallenge: expect.any(String), codeChallengeMethod: "S256" });
    expect(options.signal).toBeInstanceOf(AbortSignal);
    expect(exchange.calls.map((c) => c.request.code)).toEqual(["auth_code_minted"]);
    const challenge = `https://x.test/?code_challenge=${request.codeChallenge as string}`;
    expect(await challengeMatches(challenge, exchange.calls[0]?.request.codeVerifier)).toBe(true);
    expect(seen.statuses).toEqual(["opening", "exchanging", "connected"]);
    expect(seen.snapshots.map((s) => [s.message, s.canCancel])).toEqual([
      ["creating-code", false],
      ["exchanging", false],
      ["connected", false],
    ]);
  });

  it.each([
    ["a bad limit", { limit: -1 }, ["limit"]],
    ["a field only the flow may set", { codeChallengeMethod: "plain" }, ["mint", "codeChallengeMethod"]],
    ["a non-object", 42, ["mint"]],
  ])("refuses %s before any request (invalid_request)", async (_label, mint, path) => {
    const errors: OpenRouterAuthError[] = [];
    const { flow, createAuthCode, seen } = makeFlow({ mint: mint as never, onError: (error) => errors.push(error) });
    await flow.connect();
    expect(errors.map((e) => e.code)).toEqual(["invalid_request"]);
    expect(errors[0]?.issues?.map((issue) => issue.path)).toContainEqual(path);
    expect(createAuthCode).not.toHaveBeenCalled();
    expect(seen.statuses).toEqual(["error"]);
  });

  it("reports the code request's failure with its code", async () => {
    const { flow, createAuthCode, seen, exchange } = makeFlow({ mint: {} });
    createAuthCode.mockRejectedValueOnce(new OpenRouterAuthError("conflict", "OpenRouter answered 409: Resource conflict."));
    await flow.connect();
    expect(seen.errors.map((e) => e.code)).toEqual(["conflict"]);
    expect(exchange.calls).toEqual([]);
  });

  it("the deadline aborts a code request that hangs, with timeout", async () => {
    const { flow, createAuthCode, seen } = makeFlow({ mint: {}, timeoutMs: 3_000 });
    let signal: AbortSignal | undefined;
    createAuthCode.mockImplementationOnce((_request: unknown, options?: { signal?: AbortSignal }) => {
      signal = options?.signal;
      return new Promise(() => {});
    });
    void flow.connect();
    await until(() => signal !== undefined);
    vi.advanceTimersByTime(3_000);
    expect(seen.errors.map((e) => e.code)).toEqual(["timeout"]);
    expect(signal?.aborted).toBe(true);
  });
});
