// ConnectFlow's redirect mode on its own: this tab leaves for the consent page and comes back
// with `?code=` as a new page load (a fresh window and flow, the same sessionStorage).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { APP, AUTH_URL, challengeMatches, flush, installBrowser, KEY, makeFlow, uninstallBrowser, until, type FakePopup, type FakeStorage, type FakeWindow } from "./fake-browser.js";

let win: FakeWindow;
beforeEach(() => {
  win = installBrowser();
});
afterEach(uninstallBrowser);

/** A new page load of `url` in this tab: the tab's sessionStorage (and this browser's localStorage) carry over. */
function loadPage(url: string, from: FakeWindow = win): FakeWindow {
  const session = from.sessionStorage;
  const local = from.localStorage;
  win = installBrowser(url);
  copyInto(session, win.sessionStorage);
  copyInto(local, win.localStorage);
  return win;
}

function copyInto(from: FakeStorage, to: FakeStorage): void {
  for (let i = 0; i < from.length; i++) {
    const key = from.key(i) as string;
    to.setItem(key, from.getItem(key) as string);
  }
}

/** Starts a redirect and returns the consent URL this tab was sent to, and the stored record. */
async function leaveForConsent(options: Parameters<typeof makeFlow>[0] = {}) {
  const started = makeFlow({ mode: "redirect", flowId: ":r1:", ...options });
  void started.flow.connect();
  await until(() => win.assigned.length === 1, "the redirect");
  const record = JSON.parse(win.sessionStorage.getItem("openrouter-connect:redirect") as string);
  return { ...started, consent: win.assigned[0] as string, record };
}

describe("redirect: leaving", () => {
  it("keeps the verifier for this attempt in sessionStorage and sends this tab to the consent page", async () => {
    const { consent, record, snapshot } = await leaveForConsent({ limit: 3 });
    expect(win.openCalls).toEqual([]);
    expect(snapshot()).toMatchObject({ status: "awaiting-approval", message: "redirecting", canCancel: true, mode: "redirect" });
    const url = new URL(consent);
    expect(url.origin + url.pathname).toBe(AUTH_URL);
    expect(url.searchParams.get("callback_url")).toBe(APP);
    expect(url.searchParams.get("limit")).toBe("3");
    expect(record).toEqual({
      attemptId: expect.any(String),
      codeVerifier: expect.any(String),
      codeChallengeMethod: "S256",
      callbackUrl: APP,
      expiresAt: Date.now() + 600_000,
      flowId: ":r1:",
    });
    expect(await challengeMatches(consent, record.codeVerifier)).toBe(true);
    expect(consent).not.toContain(record.codeVerifier);
  });

  it("a browser that refuses sessionStorage: unsupported, nothing opened", async () => {
    win.sessionStorage.refuseWrites = true;
    const { flow, seen } = makeFlow({ mode: "redirect" });
    await flow.connect();
    expect(seen.errors.map((e) => e.code)).toEqual(["unsupported"]);
    expect(win.assigned).toEqual([]);
  });

  it("back from the back/forward cache before approving: cancelled, and the record goes", async () => {
    const { seen } = await leaveForConsent();
    win.showFromCache();
    expect(seen.errors).toEqual([{ code: "cancelled", message: "You came back before approving on OpenRouter." }]);
    expect(win.sessionStorage.dump()).toBe("");
  });

  it("Cancel or the deadline while this page is still here removes the record", async () => {
    const { flow } = await leaveForConsent();
    flow.cancel();
    expect(win.sessionStorage.dump()).toBe("");
    await leaveForConsent({ timeoutMs: 1_000 });
    vi.advanceTimersByTime(1_000);
    expect(win.sessionStorage.dump()).toBe("");
  });

  it("a second click while leaving does not start another attempt", async () => {
    const { flow } = await leaveForConsent();
    void flow.connect();
    await flush();
    expect(win.assigned).toHaveLength(1);
  });
});

describe("redirect: coming back", () => {
  it("finishes on its callback route: the code leaves the address bar, is exchanged once with the verifier, the record is gone", async () => {
    const { record } = await leaveForConsent();
    loadPage(`${APP}?tab=keys&code=auth_code_back#top`);
    const { flow, seen, exchange, snapshot } = makeFlow({ mode: "redirect", flowId: ":r1:" });
    flow.resume();
    flow.resume(); // StrictMode runs the effect twice
    expect(win.location.href).toBe(`${APP}?tab=keys#top`);
    expect(win.sessionStorage.dump()).toBe("");
    await until(() => snapshot().status === "connected");
    expect(exchange.calls.map((c) => c.request)).toEqual([{ code: "auth_code_back", codeVerifier: record.codeVerifier, codeChallengeMethod: "S256" }]);
    expect(seen.statuses).toEqual(["exchanging", "connected"]);
    expect(snapshot()).toMatchObject({ mode: "redirect", message: "connected", connected: { userId: "user_1", keyHint: "sk-or-v1-…ab12", key: KEY } });
    expect(seen.keys).toEqual([KEY]);
  });

  it("the flow that started it finishes it; the page's other flows stay idle", async () => {
    await leaveForConsent();
    loadPage(`${APP}?code=auth_code_back`);
    const other = makeFlow({ flowId: ":r0:" });
    const starter = makeFlow({ mode: "redirect", flowId: ":r1:" });
    other.flow.subscribe(() => {}); // mounted
    other.flow.resume();
    starter.flow.resume();
    vi.advanceTimersByTime(1);
    await until(() => starter.snapshot().status === "connected");
    expect(other.snapshot().status).toBe("idle");
    expect(other.exchange.calls).toEqual([]);
  });

  it("a flow of another id takes it when its starter is not on the page", async () => {
    await leaveForConsent();
    loadPage(`${APP}?code=auth_code_back`);
    const other = makeFlow({ flowId: ":r7:" });
    other.flow.subscribe(() => {});
    other.flow.resume();
    expect(other.snapshot().status).toBe("idle");
    vi.advanceTimersByTime(1);
    await until(() => other.snapshot().status === "connected");
  });

  it("?error= comes back as its code, the record is gone", async () => {
    await leaveForConsent();
    loadPage(`${APP}?error=access_denied`);
    const { flow, seen, exchange } = makeFlow({ mode: "redirect", flowId: ":r1:" });
    flow.resume();
    expect(seen.errors.map((e) => e.code)).toEqual(["access_denied"]);
    expect(exchange.calls).toEqual([]);
    expect(win.location.href).toBe(APP);
    expect(win.sessionStorage.dump()).toBe("");
  });

  it("an address that repeats code (or error) is refused with invalid_request, and nothing is exchanged", async () => {
    for (const query of ["code=a&code=b", "error=access_denied&error=server_error"]) {
      await leaveForConsent();
      loadPage(`${APP}?${query}`);
      const { flow, seen, exchange } = makeFlow({ mode: "redirect", flowId: ":r1:" });
      flow.resume();
      expect(seen.errors.map((e) => e.code)).toEqual(["invalid_request"]);
      expect(seen.errors[0]?.message).toMatch(/repeated/);
      expect(exchange.calls).toEqual([]);
      expect(win.location.href).toBe(APP);
      expect(win.sessionStorage.dump()).toBe("");
    }
  });

  it("a reload after the return, or a revisit of the used code, exchanges nothing (no_pending_flow on its own route)", async () => {
    await leaveForConsent();
    loadPage(`${APP}?code=auth_code_back`);
    const first = makeFlow({ mode: "redirect", flowId: ":r1:" });
    first.flow.resume();
    await until(() => first.snapshot().status === "connected");

    loadPage(APP); // reload: the address is clean
    const reloaded = makeFlow({ mode: "redirect", flowId: ":r1:" });
    reloaded.flow.resume();
    expect(reloaded.snapshot().status).toBe("idle");

    loadPage(`${APP}?code=auth_code_back`); // the old address, opened again
    const revisit = makeFlow({ mode: "redirect", flowId: ":r1:" });
    revisit.flow.resume();
    expect(revisit.seen.errors.map((e) => e.code)).toEqual(["no_pending_flow"]);
    expect(revisit.exchange.calls).toEqual([]);
    expect(win.location.href).toBe(APP);
  });

  it("a ?code= on another route of the app is left alone: not removed, not sent; the attempt keeps waiting for its own route", async () => {
    await leaveForConsent(); // its callback route is APP
    loadPage("https://app.example/settings?code=someone_elses&x=1");
    const here = makeFlow({ mode: "redirect", flowId: ":r1:" }); // this page is its own route, but not the attempt's
    here.flow.resume();
    vi.advanceTimersByTime(1);
    await flush();
    expect(win.location.href).toBe("https://app.example/settings?code=someone_elses&x=1");
    expect(here.exchange.calls).toEqual([]);
    expect(here.seen.errors).toEqual([]);
    expect(win.sessionStorage.getItem("openrouter-connect:redirect")).not.toBeNull();

    // Its own route still finishes it.
    loadPage(`${APP}?code=auth_code_back`);
    const back = makeFlow({ mode: "redirect", flowId: ":r1:" });
    back.flow.resume();
    await until(() => back.snapshot().status === "connected");
  });

  it("with no attempt pending, a flow whose callback route is elsewhere leaves the parameters alone", () => {
    loadPage("https://app.example/settings?code=forged");
    const { flow, seen } = makeFlow({ callbackUrl: "https://app.example/openrouter/callback" });
    flow.resume();
    expect(win.location.href).toBe("https://app.example/settings?code=forged");
    expect(seen.errors).toEqual([]);
  });

  it("an expired record counts as none: no_pending_flow, and it is removed", async () => {
    await leaveForConsent();
    vi.advanceTimersByTime(600_001); // the deadline would have removed it on a live page; this one left
    loadPage(`${APP}?code=auth_code_late`);
    win.sessionStorage.setItem("openrouter-connect:redirect", JSON.stringify({ attemptId: "a", codeVerifier: "v".repeat(43), codeChallengeMethod: "S256", callbackUrl: APP, expiresAt: Date.now() - 1 }));
    const { flow, seen, exchange } = makeFlow();
    flow.resume();
    expect(seen.errors.map((e) => e.code)).toEqual(["no_pending_flow"]);
    expect(exchange.calls).toEqual([]);
    expect(win.sessionStorage.dump()).toBe("");
  });

  it("a record that says plain (only S256 is ever written) is not taken", () => {
    loadPage(`${APP}?code=auth_code_1`);
    win.sessionStorage.setItem("openrouter-connect:redirect", JSON.stringify({ attemptId: "a", codeVerifier: "v".repeat(43), codeChallengeMethod: "plain", callbackUrl: APP, expiresAt: Date.now() + 60_000 }));
    const { flow, seen, exchange } = makeFlow();
    flow.resume();
    expect(seen.errors.map((e) => e.code)).toEqual(["no_pending_flow"]);
    expect(exchange.calls).toEqual([]);
  });
});

describe("redirect: an attempt replaced by the page's callback", () => {
  it("a click in the moment before an unclaimed callback is claimed: the claim ends the click's attempt (its popup closed, never sent to OpenRouter), one exchange", async () => {
    await leaveForConsent(); // flow ":r1:" left for the consent page
    loadPage(`${APP}?code=auth_code_back`);
    const { flow, snapshot, exchange } = makeFlow({ flowId: ":r7:" });
    flow.resume(); // not its own: claimed a moment later
    void flow.connect(); // a popup attempt meanwhile
    const popup = win.opened[0] as FakePopup;
    vi.advanceTimersByTime(1);
    await until(() => snapshot().status === "connected", "connected by the claimed callback");
    expect(popup.closed).toBe(true);
    vi.advanceTimersByTime(1_000);
    await flush();
    expect(popup.navigatedTo).toBeUndefined();
    expect(snapshot()).toMatchObject({ status: "connected", mode: "redirect" });
    expect(exchange.calls.map((c) => c.request.code)).toEqual(["auth_code_back"]);
  });
});
