// mayCarryCallback: the cheap, read-only look a button takes on mount to decide whether its flow
// part must load at once (a page OpenRouter sent back to). It must never miss a callback that
// ConnectFlow.resume would take, and should not load the flow for a page that is none.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mayCarryCallback } from "../../../src/core/flow/callback-hint.js";
import { takeCallback } from "../../../src/core/flow/callback.js";
import { APP, installBrowser, uninstallBrowser, type FakeWindow } from "./fake-browser.js";

let win: FakeWindow;
beforeEach(() => {
  win = installBrowser();
});
afterEach(uninstallBrowser);

const OTHER_ROUTE = "https://app.example/openrouter/callback";
const live = () => Date.now() + 60_000;

describe("mayCarryCallback", () => {
  it("no ?code= or ?error= in the address: no, whatever is stored", () => {
    win.sessionStorage.setItem("openrouter-connect:redirect", "{}");
    expect(mayCarryCallback(undefined)).toBe(false);
    win.goTo(`${APP}?tab=keys`);
    expect(mayCarryCallback(undefined)).toBe(false);
  });

  it("a ?code= or ?error= on the flow's own route (default: this page): yes", () => {
    win.goTo(`${APP}?code=abc`);
    expect(mayCarryCallback(undefined)).toBe(true);
    expect(mayCarryCallback(`${APP}?ignored=1`)).toBe(true);
    win.goTo(`${APP}?error=access_denied`);
    expect(mayCarryCallback(APP)).toBe(true);
  });

  it("on another route: only while an attempt's record is kept here (redirect, popup marker, a popup's local marker)", () => {
    win.goTo(`${APP}?code=for-someone-else`);
    expect(mayCarryCallback(OTHER_ROUTE)).toBe(false);
    for (const [storage, key] of [
      [win.sessionStorage, "openrouter-connect:redirect"],
      [win.sessionStorage, "openrouter-connect:popup"],
      [win.localStorage, "openrouter-connect:popup:0123"],
    ] as const) {
      storage.setItem(key, "{}");
      expect(mayCarryCallback(OTHER_ROUTE), key).toBe(true);
      storage.removeItem(key);
    }
    win.localStorage.setItem("openrouter-connect:key", "sk-or-v1-kept"); // a kept key is no attempt
    expect(mayCarryCallback(OTHER_ROUTE)).toBe(false);
  });

  it("blocked storage counts as no record, and never throws", () => {
    win.goTo(`${APP}?code=abc`);
    Object.defineProperty(win, "localStorage", {
      get() {
        throw new DOMException("blocked", "SecurityError");
      },
    });
    expect(mayCarryCallback(OTHER_ROUTE)).toBe(false);
    win.sessionStorage.setItem("openrouter-connect:redirect", "{}"); // the tab's own storage still works
    expect(mayCarryCallback(OTHER_ROUTE)).toBe(true);
  });

  it("a local key of something else (a kept key) does not hide the tab's redirect record", () => {
    win.goTo(`${APP}?code=abc`);
    win.localStorage.setItem("openrouter-connect:key", "sk-or-v1-kept");
    win.sessionStorage.setItem("openrouter-connect:redirect", "{}");
    expect(mayCarryCallback(OTHER_ROUTE)).toBe(true);
  });

  it("without a window (server rendering): no, and never throws", () => {
    uninstallBrowser();
    expect(typeof window).toBe("undefined");
    expect(mayCarryCallback(undefined)).toBe(false);
    expect(mayCarryCallback(OTHER_ROUTE)).toBe(false);
  });

  it("sessionStorage blocked: no record there, and a popup's local marker still counts", () => {
    win.goTo(`${APP}?code=abc`);
    Object.defineProperty(win, "sessionStorage", {
      get() {
        throw new DOMException("blocked", "SecurityError");
      },
    });
    expect(mayCarryCallback(OTHER_ROUTE)).toBe(false);
    win.localStorage.setItem("openrouter-connect:popup:0123", "{}");
    expect(mayCarryCallback(OTHER_ROUTE)).toBe(true);
  });

  it("a storage that throws as it is read may hold a record: yes, so the flow loads and looks", () => {
    win.goTo(`${APP}?code=abc`);
    expect(mayCarryCallback(OTHER_ROUTE)).toBe(false);
    vi.spyOn(win.sessionStorage, "getItem").mockImplementation(() => {
      throw new DOMException("The operation is insecure.", "SecurityError");
    });
    expect(mayCarryCallback(OTHER_ROUTE)).toBe(true);
  });

  it("never misses a callback that resume would take", () => {
    const scenarios: Array<{ name: string; href: string; own: string | undefined; setup?: () => void }> = [
      { name: "own route, nothing stored (no_pending_flow)", href: `${APP}?code=c`, own: undefined },
      {
        name: "a redirect coming back to its route",
        href: `${OTHER_ROUTE}?code=c`,
        own: APP,
        setup: () =>
          win.sessionStorage.setItem(
            "openrouter-connect:redirect",
            JSON.stringify({ attemptId: "a", codeVerifier: "v".repeat(43), codeChallengeMethod: "S256", callbackUrl: OTHER_ROUTE, expiresAt: live() }),
          ),
      },
      {
        name: "a popup's callback page with its marker",
        href: `${OTHER_ROUTE}?code=c`,
        own: APP,
        setup: () => win.sessionStorage.setItem("openrouter-connect:popup", JSON.stringify({ attemptId: "a", callbackUrl: OTHER_ROUTE, expiresAt: live() })),
      },
      {
        name: "a popup's callback page that lost its marker (localStorage)",
        href: `${OTHER_ROUTE}?error=access_denied`,
        own: APP,
        setup: () => win.localStorage.setItem("openrouter-connect:popup:a", JSON.stringify({ callbackUrl: OTHER_ROUTE, expiresAt: live() })),
      },
    ];
    for (const { name, href, own, setup } of scenarios) {
      uninstallBrowser();
      win = installBrowser(href);
      setup?.();
      const hint = mayCarryCallback(own);
      const taken = takeCallback(own ?? href.replace(/\?.*$/, ""));
      expect(taken.kind, name).not.toBe("none");
      expect(hint, name).toBe(true);
    }
  });
});
