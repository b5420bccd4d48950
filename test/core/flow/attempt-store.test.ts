// What survives a page change during a flow (src/core/flow/attempt-store.ts), record by record:
// alive until exactly its deadline, whole or ignored, taken once, and only on its own route.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  anyPendingAttempt,
  clearPopupMarker,
  pendingPopupAttempts,
  saveRedirectAttempt,
  savePopupMarker,
  takePopupMarker,
  takeRedirectAttempt,
} from "../../../src/core/flow/attempt-store.js";
import { APP, FakeWindow } from "./fake-browser.js";

const ROUTE = APP;
const OTHER = "https://app.example/other";
let win: FakeWindow;
beforeEach(() => {
  win = new FakeWindow(APP);
  vi.stubGlobal("window", win);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.UTC(2030, 0, 1));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const redirect = (extra: Record<string, unknown> = {}) => ({
  attemptId: "r1",
  codeVerifier: "v".repeat(43),
  codeChallengeMethod: "S256" as const,
  callbackUrl: `${ROUTE}?x=1`,
  expiresAt: Date.now() + 1000,
  ...extra,
});

describe("the redirect record", () => {
  it("is taken once, on its own route only (a query does not count), and alive until exactly its deadline", () => {
    expect(saveRedirectAttempt(redirect())).toBe(true);
    expect(takeRedirectAttempt(OTHER)).toBeUndefined();
    expect(takeRedirectAttempt(ROUTE)).toMatchObject({ attemptId: "r1" });
    expect(takeRedirectAttempt(ROUTE)).toBeUndefined();

    saveRedirectAttempt(redirect());
    vi.setSystemTime(Date.now() + 999);
    expect(anyPendingAttempt()).toBe(true);
    vi.setSystemTime(Date.now() + 1);
    expect(anyPendingAttempt()).toBe(false);
    expect(takeRedirectAttempt(ROUTE)).toBeUndefined();
  });

  it.each([
    ["attemptId", { attemptId: 1 }],
    ["codeVerifier", { codeVerifier: null }],
    ["codeChallengeMethod", { codeChallengeMethod: "plain" }],
    ["callbackUrl", { callbackUrl: 42 }],
    ["expiresAt", { expiresAt: String(Date.UTC(2031, 0, 1)) }],
  ])("a record with a bad %s counts as none, and is removed", (_, extra) => {
    win.sessionStorage.setItem("openrouter-connect:redirect", JSON.stringify(redirect(extra)));
    expect(anyPendingAttempt()).toBe(false);
    expect(takeRedirectAttempt(ROUTE)).toBeUndefined();
    expect(win.sessionStorage.getItem("openrouter-connect:redirect")).toBeNull();
  });

  it("saving one drops a popup marker of this tab, and a popup marker drops a redirect record", () => {
    savePopupMarker({ attemptId: "p1", expiresAt: Date.now() + 1000, callbackUrl: ROUTE });
    saveRedirectAttempt(redirect());
    expect(win.sessionStorage.getItem("openrouter-connect:popup")).toBeNull();
    savePopupMarker({ attemptId: "p2", expiresAt: Date.now() + 1000, callbackUrl: ROUTE });
    expect(win.sessionStorage.getItem("openrouter-connect:redirect")).toBeNull();
  });
});

describe("popup markers", () => {
  const marker = (attemptId: string, extra: Record<string, unknown> = {}) => ({ attemptId, expiresAt: Date.now() + 1000, callbackUrl: ROUTE, ...extra });

  it("the callback page takes its copy once, on its route only; a dead or malformed one is removed", () => {
    savePopupMarker(marker("p1"));
    expect(takePopupMarker(OTHER)).toBeUndefined();
    expect(win.sessionStorage.getItem("openrouter-connect:popup")).not.toBeNull();
    expect(takePopupMarker(ROUTE)).toBe("p1");
    expect(takePopupMarker(ROUTE)).toBeUndefined();

    win.sessionStorage.setItem("openrouter-connect:popup", JSON.stringify({ attemptId: 7, expiresAt: Date.now() + 1000, callbackUrl: ROUTE }));
    expect(takePopupMarker(ROUTE)).toBeUndefined();
    expect(win.sessionStorage.getItem("openrouter-connect:popup")).toBeNull();
  });

  it("pending attempts are listed per route from localStorage, dead ones removed on the way, other keys left alone", () => {
    win.localStorage.setItem("unrelated", "1");
    savePopupMarker(marker("p1"));
    savePopupMarker(marker("p2", { callbackUrl: OTHER }));
    win.localStorage.setItem("openrouter-connect:popup:dead", JSON.stringify({ expiresAt: Date.now() - 1, callbackUrl: ROUTE }));
    win.localStorage.setItem("openrouter-connect:popup:junk", "{");
    expect(pendingPopupAttempts(ROUTE)).toEqual(["p1"]);
    expect(pendingPopupAttempts(OTHER)).toEqual(["p2"]);
    expect(win.localStorage.getItem("openrouter-connect:popup:dead")).toBeNull();
    expect(win.localStorage.getItem("openrouter-connect:popup:junk")).toBeNull();
    expect(win.localStorage.getItem("unrelated")).toBe("1");
  });

  it("clearing one attempt's marker leaves another attempt's; clearing without an id clears this tab's", () => {
    savePopupMarker(marker("p1"));
    savePopupMarker(marker("p2"));
    clearPopupMarker("p1");
    expect(JSON.parse(win.sessionStorage.getItem("openrouter-connect:popup") as string).attemptId).toBe("p2");
    expect(win.localStorage.getItem("openrouter-connect:popup:p1")).toBeNull();
    expect(win.localStorage.getItem("openrouter-connect:popup:p2")).not.toBeNull();
    clearPopupMarker();
    expect(win.sessionStorage.getItem("openrouter-connect:popup")).toBeNull();
    expect(win.localStorage.getItem("openrouter-connect:popup:p2")).not.toBeNull();
  });

  it("anyPendingAttempt: this tab's marker alone, or another tab's popup alone, is enough", () => {
    expect(anyPendingAttempt()).toBe(false);
    win.sessionStorage.setItem("openrouter-connect:popup", JSON.stringify(marker("p1")));
    expect(anyPendingAttempt()).toBe(true);
    win.sessionStorage.clear();
    win.localStorage.setItem("openrouter-connect:popup:p9", JSON.stringify({ expiresAt: Date.now() + 1, callbackUrl: OTHER }));
    expect(anyPendingAttempt()).toBe(true);
  });
});
