// connect({ window }): a caller whose click had to wait before it could start the flow (a button
// whose flow loads on first interaction) opens the window inside the click and hands it over.
// The modes take it instead of opening their own; a window no attempt takes is closed.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CALLBACK_MESSAGE_TYPE } from "../../../src/core/index.js";
import { openFlowWindow, POPUP_FEATURES, POPUP_NAME } from "../../../src/core/flow/flow-window.js";
import { APP, AUTH_URL, challengeMatches, installBrowser, KEY, makeFlow, uninstallBrowser, until, type FakePopup, type FakeWindow } from "./fake-browser.js";

let win: FakeWindow;
beforeEach(() => {
  win = installBrowser();
});
afterEach(uninstallBrowser);

/** What the caller does inside its click: the window the popup mode would open, blank. */
function openInClick(mode: "popup" | "paste" = "popup"): FakePopup {
  return openFlowWindow(win as unknown as Window, mode) as unknown as FakePopup;
}

describe("openFlowWindow", () => {
  it("opens the popup mode's window (its name and features) or paste mode's tab, blank; null when blocked or throwing", () => {
    openInClick("popup");
    openInClick("paste");
    expect(win.openCalls).toEqual([
      { url: "", target: POPUP_NAME, features: POPUP_FEATURES },
      { url: "", target: "_blank", features: undefined },
    ]);
    win.blockPopups = true;
    expect(openFlowWindow(win as unknown as Window, "popup")).toBeNull();
    win.open = () => {
      throw new Error("blocked by policy");
    };
    expect(openFlowWindow(win as unknown as Window, "popup")).toBeNull();
  });
});

describe("connect({ window })", () => {
  it("popup: uses the handed window (no second one), gives it the attempt's marker, sends it to the consent page and exchanges its answer once", async () => {
    const { flow, exchange, seen, snapshot } = makeFlow();
    const handed = openInClick();
    // window.open copied sessionStorage before the attempt existed: the handed window has no marker yet.
    expect(handed.sessionStorage.getItem("openrouter-connect:popup")).toBeNull();
    const settled = flow.connect({ window: handed as unknown as Window });
    expect(win.openCalls).toHaveLength(1);
    expect(handed.document).toEqual({ title: "OpenRouter", body: { textContent: "Opening OpenRouter…" } });
    const marker = JSON.parse(handed.sessionStorage.getItem("openrouter-connect:popup") as string);
    expect(marker).toEqual({ attemptId: expect.stringMatching(/^[0-9a-f]{24}$/), expiresAt: Date.now() + 600_000, callbackUrl: APP });

    await until(() => snapshot().status === "awaiting-approval", "awaiting-approval");
    const consent = new URL(handed.navigatedTo as string);
    expect(consent.origin + consent.pathname).toBe(AUTH_URL);
    win.receiveMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: marker.attemptId, code: "auth_code_handed" }, handed);
    await expect(settled).resolves.toEqual({ key: KEY, userId: "user_1" });
    expect(exchange.calls.map((c) => c.request.code)).toEqual(["auth_code_handed"]);
    expect(await challengeMatches(handed.navigatedTo as string, exchange.calls[0]?.request.codeVerifier)).toBe(true);
    expect(handed.closed).toBe(true);
    expect(seen.statuses).toEqual(["opening", "awaiting-approval", "exchanging", "connected"]);
  });

  it("popup: a handed null (the browser blocked the window in the click) is popup_blocked, with the way on in this tab", async () => {
    const { flow, seen, snapshot } = makeFlow();
    await flow.connect({ window: null });
    expect(win.openCalls).toEqual([]);
    expect(seen.errors.map((e) => e.code)).toEqual(["popup_blocked"]);
    expect(snapshot()).toMatchObject({ status: "error", fallback: "redirect" });
    expect(win.sessionStorage.dump() + win.localStorage.dump()).toBe("");
  });

  it("invalid input: invalid_request, and the handed window is closed (nothing opens, nothing is sent)", async () => {
    const { flow, seen } = makeFlow({ callbackUrl: "http://example.com/cb" });
    const handed = openInClick();
    await flow.connect({ window: handed as unknown as Window });
    expect(seen.errors.map((e) => e.code)).toEqual(["invalid_request"]);
    expect(handed.closed).toBe(true);
    expect(handed.navigatedTo).toBeUndefined();
    expect(win.openCalls).toHaveLength(1);
  });

  it("paste: takes the handed tab, cuts its way back to this page and sends it to the headless consent page", async () => {
    const { flow, snapshot } = makeFlow({ mode: "paste" });
    const handed = openInClick("paste");
    void flow.connect({ window: handed as unknown as Window });
    await until(() => snapshot().message === "awaiting-paste", "awaiting-paste");
    expect(win.openCalls).toHaveLength(1);
    expect(handed.opener).toBeNull();
    expect(handed.navigatedTo).toBe(snapshot().pasteUrl);
    expect(handed.closed).toBe(false);
  });

  it.each([
    ["redirect", { mode: "redirect" as const }],
    ["minted", { mint: { limit: 1 } }],
  ])("%s: a mode that opens no window closes a handed one, and goes on", async (_, options) => {
    const { flow, snapshot } = makeFlow(options);
    const handed = openInClick();
    void flow.connect({ window: handed as unknown as Window });
    expect(handed.closed).toBe(true);
    await until(() => snapshot().status !== "opening", "the next status");
    expect(snapshot().error).toBeUndefined();
  });

  it("busy: a second click's handed window is closed and the first attempt's popup comes to the front", async () => {
    const { flow, snapshot } = makeFlow();
    void flow.connect();
    await until(() => snapshot().status === "awaiting-approval", "awaiting-approval");
    const first = win.opened[0] as FakePopup;
    const second = openInClick();
    void flow.connect({ window: second as unknown as Window });
    expect(second.closed).toBe(true);
    expect(first.focused).toBe(1);
    expect(first.closed).toBe(false);
  });
});
