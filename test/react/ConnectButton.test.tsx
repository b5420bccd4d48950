// @vitest-environment jsdom
// ConnectButton: rendering and wiring. The flow's own rules (COOP timings, late answers, the
// deadline, every mode's transitions) are tested without React in test/core/flow; here the button
// runs real flows against the emulator over HTTP and renders what the snapshot says.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { createRef } from "react";
import { describe, expect, it, vi } from "vitest";
import { ConnectButton, defaultMessages, createCodeChallenge, createPkcePair, type ConnectStatus } from "../../src/index.js";
import { POPUP_HIDDEN_HINT_DELAY_MS, POPUP_POLL_MS } from "../../src/core/flow/popup.js";
import { decideConsent, dumpStorage, renderWith, freshEmulatorPerTest } from "./helpers.js";

const emulator = freshEmulatorPerTest();

const button = () => screen.getByRole("button", { name: /connect openrouter|connected/i });
// Hidden (display: none) while it has nothing to say.
const statusRegion = () => screen.getByRole("status", { hidden: true });

/** Yields event-loop turns (WebCrypto, fetch) until `condition` holds: no clock involved, so it works under fake timers. */
async function turnsUntil(condition: () => boolean): Promise<void> {
  const giveUpAt = performance.now() + 5_000;
  while (!condition()) {
    if (performance.now() > giveUpAt) throw new Error("the condition never held");
    await act(() => new Promise<void>((resolve) => setImmediate(resolve)));
  }
}

describe("ConnectButton, minted flow (real emulator)", () => {
  it("walks through its states, says each in the live region, and hands the key to onKey and onConnected once", async () => {
    const onKey = vi.fn();
    const onConnected = vi.fn();
    const statuses: ConnectStatus[] = [];
    renderWith(emulator, <ConnectButton onKey={onKey} onConnected={onConnected} onStatusChange={(s) => statuses.push(s)} mint={{ limit: 5, keyLabel: "Test" }} />, {
      strict: true,
    });
    expect(button()).toHaveAttribute("data-state", "idle");
    expect(button()).toHaveAttribute("type", "button");
    expect(statusRegion()).toBeEmptyDOMElement();
    expect(button()).not.toHaveAttribute("aria-describedby");
    fireEvent.click(button());
    expect(statusRegion()).toHaveTextContent(defaultMessages["creating-code"]);
    expect(button()).toHaveAttribute("aria-describedby", statusRegion().id);
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull(); // nothing to cancel in a minted flow
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    const [exchange] = emulator.exchanges();
    expect(emulator.exchanges()).toHaveLength(1);
    expect(onKey).toHaveBeenCalledWith({ key: exchange?.key, userId: "user_emulator" });
    expect(onConnected).toHaveBeenCalledWith({ key: exchange?.key, userId: "user_emulator", keyHint: `sk-or-v1-…${exchange?.key?.slice(-4)}` });
    expect(statuses).toEqual(["opening", "exchanging", "connected"]);
    expect(button()).toHaveAttribute("data-state", "connected");
    expect(button()).toHaveAccessibleName(defaultMessages.connectedLabel);
    expect(statusRegion()).toHaveTextContent(defaultMessages.connected);
    expect(emulator.codesIssued()[0]).toMatchObject({ source: "minted", limit: 5, keyLabel: "Test", codeChallengeMethod: "S256" });
    expect(dumpStorage()).not.toContain(exchange?.key);
  });

  it("exchanges once on a double click", async () => {
    const onKey = vi.fn();
    renderWith(emulator, <ConnectButton onKey={onKey} mint={{}} />);
    fireEvent.click(button());
    fireEvent.click(button());
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    expect(emulator.codesIssued()).toHaveLength(1);
    expect(emulator.exchanges()).toHaveLength(1);
  });

  it("refuses bad mint input before any request", () => {
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} mint={{ limit: -1 }} />);
    fireEvent.click(button());
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "invalid_request", issues: [{ path: ["limit"] }] });
    expect(emulator.app.requests()).toHaveLength(0);
    expect(button()).toHaveAttribute("data-state", "error");
    // The user reads the table's text for the code; the developer's detail stays on the error.
    expect(statusRegion()).toHaveTextContent(defaultMessages.invalid_request);
    expect(onError.mock.calls[0]?.[0].message).toBe("Invalid request: limit: must be between 0 and 1000000000");
  });

  it.each([
    ["unauthorized", () => {}, null],
    ["server_error", () => emulator.faults.failNext("exchange", { status: 500 }), undefined],
    ["network_error", () => emulator.faults.dropNext("exchange"), undefined],
    ["invalid_response", () => emulator.faults.malformedNext("exchange"), undefined],
    ["conflict", () => emulator.faults.failNext("code", { status: 409 }), undefined],
  ] as const)("reports %s in the live region in the table's words, then a new attempt succeeds", async (code, inject, apiKey) => {
    inject();
    const onError = vi.fn();
    const onKey = vi.fn();
    renderWith(emulator, <ConnectButton onKey={onKey} onError={onError} mint={{}} />, { apiKey });
    fireEvent.click(button());
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code, name: "OpenRouterAuthError" });
    expect(statusRegion()).toHaveTextContent(defaultMessages[code]);
    expect(statusRegion()).not.toHaveTextContent(onError.mock.calls[0]?.[0].message);
    if (apiKey === null) return;
    fireEvent.click(button());
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
  });

  it("persist: sessionStorage by default; shows the balance; Disconnect says the key was forgotten here and links to the keys page", async () => {
    const onKey = vi.fn();
    const view = renderWith(emulator, <ConnectButton onKey={onKey} mint={{ limit: 74.5 }} persist showBalance />);
    fireEvent.click(button());
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    const key = onKey.mock.calls[0]?.[0].key as string;
    expect(sessionStorage.getItem("openrouter-connect:key")).toBe(key);
    expect(localStorage.getItem("openrouter-connect:key")).toBeNull();
    await waitFor(() => expect(button()).toHaveAccessibleName(/^Connected · \$74\.50 left$/));
    view.unmount();

    renderWith(emulator, <ConnectButton onKey={vi.fn()} persist />);
    expect(button()).toHaveAttribute("data-state", "connected");
    fireEvent.click(screen.getByRole("button", { name: defaultMessages.disconnect }));
    expect(sessionStorage.getItem("openrouter-connect:key")).toBeNull();
    expect(button()).toHaveAttribute("data-state", "idle");
    expect(document.activeElement).toBe(button());
    expect(statusRegion()).toHaveTextContent(defaultMessages.forgotten);
    const revoke = screen.getByRole("link", { name: defaultMessages.revoke });
    expect(revoke).toHaveAttribute("href", new URL("/settings/keys", emulator.authUrl).href);
    expect(revoke).toHaveAttribute("rel", "noopener noreferrer");
    // A new attempt clears the notice.
    fireEvent.click(button());
    expect(screen.queryByRole("link", { name: defaultMessages.revoke })).toBeNull();
  });

  it('persist="local": localStorage, the explicit opt-in', async () => {
    const onKey = vi.fn();
    renderWith(emulator, <ConnectButton onKey={onKey} mint={{}} persist="local" />);
    fireEvent.click(button());
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    expect(localStorage.getItem("openrouter-connect:key")).toBe(onKey.mock.calls[0]?.[0].key);
    expect(sessionStorage.getItem("openrouter-connect:key")).toBeNull();
  });
});

/** Sets up this tab as if it had left for OpenRouter and come back with `?code=`. */
async function returnFromRedirect(): Promise<{ code: string; codeVerifier: string }> {
  const pair = await createPkcePair();
  const consent = new URL(emulator.authUrl);
  consent.searchParams.set("callback_url", "http://localhost:3000/");
  consent.searchParams.set("code_challenge", pair.codeChallenge);
  consent.searchParams.set("code_challenge_method", "S256");
  const back = await decideConsent(consent.toString(), "approve");
  const code = back.searchParams.get("code") as string;
  sessionStorage.setItem(
    "openrouter-connect:redirect",
    JSON.stringify({ attemptId: "a1", codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256", callbackUrl: "http://localhost:3000/", expiresAt: Date.now() + 60_000 }),
  );
  window.history.replaceState(null, "", `/?tab=keys&code=${encodeURIComponent(code)}`);
  return { code, codeVerifier: pair.codeVerifier };
}

describe("ConnectButton, coming back from a redirect", () => {
  it("finishes by itself, once, under StrictMode and on remount", async () => {
    const { codeVerifier } = await returnFromRedirect();
    const onKey = vi.fn();
    const view = renderWith(emulator, <ConnectButton onKey={onKey} mode="redirect" />, { strict: true });
    expect(window.location.search).toBe("?tab=keys");
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    view.unmount();
    renderWith(emulator, <ConnectButton onKey={onKey} mode="redirect" />, { strict: true });
    expect(button()).toHaveAttribute("data-state", "idle");
    expect(onKey).toHaveBeenCalledTimes(1);
    expect(emulator.exchanges()).toHaveLength(1);
    expect(emulator.exchanges()[0]?.outcome).toBe("ok");
    const storage = dumpStorage();
    expect(storage).not.toContain(codeVerifier);
    expect(storage).not.toContain(onKey.mock.calls[0]?.[0].key);
  });

  it("never exchanges a code this browser did not start a flow for", async () => {
    window.history.replaceState(null, "", "/?code=forged-code-123");
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} />, { strict: true });
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "no_pending_flow" });
    expect(window.location.search).toBe("");
    expect(emulator.app.requests()).toHaveLength(0);
  });

  it("leaves a ?code= on a route that is not its callback route alone", () => {
    window.history.replaceState(null, "", "/settings?code=for-someone-else");
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} callbackUrl="http://localhost:3000/openrouter/callback" />, { strict: true });
    expect(window.location.search).toBe("?code=for-someone-else");
    expect(onError).not.toHaveBeenCalled();
    expect(button()).toHaveAttribute("data-state", "idle");
  });

  it("reports a denial as access_denied and clears the verifier", async () => {
    sessionStorage.setItem(
      "openrouter-connect:redirect",
      JSON.stringify({ attemptId: "a1", codeVerifier: "v".repeat(43), codeChallengeMethod: "S256", callbackUrl: "http://localhost:3000/", expiresAt: Date.now() + 60_000 }),
    );
    window.history.replaceState(null, "", "/?error=access_denied");
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} />);
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "access_denied" });
    expect(statusRegion()).toHaveTextContent("You declined the request on OpenRouter.");
    expect(dumpStorage()).toBe("");
  });

  it("starts a redirect flow: verifier kept for the attempt, consent URL with the challenge", async () => {
    const assign = vi.fn();
    vi.spyOn(window, "location", "get").mockReturnValue({ ...window.location, origin: "http://localhost:3000", pathname: "/", href: "http://localhost:3000/", assign } as unknown as Location);
    renderWith(emulator, <ConnectButton onKey={vi.fn()} mode="redirect" limit={3} />);
    fireEvent.click(button());
    await waitFor(() => expect(assign).toHaveBeenCalledTimes(1));
    expect(statusRegion()).toHaveTextContent(defaultMessages.redirecting);
    const consent = new URL(assign.mock.calls[0]?.[0]);
    expect(consent.origin + consent.pathname).toBe(emulator.authUrl);
    expect(consent.searchParams.get("callback_url")).toBe("http://localhost:3000/");
    expect(consent.searchParams.get("limit")).toBe("3");
    const record = JSON.parse(sessionStorage.getItem("openrouter-connect:redirect") as string);
    expect(consent.searchParams.get("code_challenge")).toBe(await createCodeChallenge(record.codeVerifier));
    expect(consent.toString()).not.toContain(record.codeVerifier);
  });
});

interface FakePopup {
  closed: boolean;
  navigatedTo: string | undefined;
  window: Window;
}

/** window.open gives a stand-in popup (jsdom has no windows): it records where it was sent and reads cross-origin there. */
function installPopup(): FakePopup {
  const state: FakePopup = { closed: false, navigatedTo: undefined, window: undefined as unknown as Window };
  state.window = {
    get closed() {
      return state.closed;
    },
    location: {
      replace: (url: string) => void (state.navigatedTo = url),
      get href(): string {
        if (state.navigatedTo) throw new DOMException("cross-origin", "SecurityError");
        return "about:blank";
      },
    },
    document: { title: "", body: { textContent: "" } },
    close: () => void (state.closed = true),
    focus: () => {},
  } as unknown as Window;
  vi.spyOn(window, "open").mockImplementation(() => state.window);
  return state;
}

function popupMarker(): string {
  return JSON.parse(sessionStorage.getItem("openrouter-connect:popup") as string).attemptId;
}

describe("ConnectButton, popup flow (jsdom stand-in for a window; real windows run in Chromium e2e)", () => {
  it("opens the popup inside the click, offers Cancel while waiting, then exchanges the code it sends back", async () => {
    const popup = installPopup();
    const onKey = vi.fn();
    const ref = createRef<HTMLButtonElement>();
    renderWith(emulator, <ConnectButton ref={ref} onKey={onKey} />, { strict: true });
    expect(ref.current).toBe(button());
    fireEvent.click(button());
    expect(window.open).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(popup.navigatedTo).toBeDefined());
    expect(button()).toHaveAttribute("aria-busy", "true");
    expect(button()).toHaveAccessibleName("Connect OpenRouter");
    expect(statusRegion()).toHaveTextContent(defaultMessages["awaiting-popup"]);
    expect(screen.getByRole("button", { name: defaultMessages.cancel })).toBeInTheDocument();
    const back = await decideConsent(popup.navigatedTo as string, "approve");
    act(() => {
      window.dispatchEvent(new MessageEvent("message", { origin: window.location.origin, source: popup.window as never, data: { type: "openrouter-connect:callback", attemptId: popupMarker(), code: back.searchParams.get("code") } }));
    });
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    expect(popup.closed).toBe(true);
    expect(emulator.exchanges()).toHaveLength(1);
    expect(document.activeElement).toBe(button());
    expect(screen.queryByRole("button", { name: defaultMessages.cancel })).toBeNull();
    expect(dumpStorage()).toBe("");
  });

  it("a popup it can no longer see, and focus back here: a visible hint with Try again and Cancel; Try again opens a new window", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      const first = installPopup();
      const onError = vi.fn();
      renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} />);
      fireEvent.click(button());
      await turnsUntil(() => first.navigatedTo !== undefined);
      first.closed = true; // COOP hides it, or the user closed it: it was never seen at the provider
      act(() => void vi.advanceTimersByTime(POPUP_POLL_MS));
      act(() => void window.dispatchEvent(new FocusEvent("focus")));
      expect(screen.queryByRole("button", { name: defaultMessages.tryAgain })).toBeNull(); // not yet: it may be an approval coming back
      act(() => void vi.advanceTimersByTime(POPUP_HIDDEN_HINT_DELAY_MS));
      expect(statusRegion()).toHaveTextContent(defaultMessages["popup-hidden"]);
      expect(statusRegion()).toBeVisible();
      expect(button()).toHaveAttribute("data-state", "awaiting-approval");
      expect(screen.getByRole("button", { name: defaultMessages.cancel })).toBeInTheDocument();

      const second = installPopup();
      fireEvent.click(screen.getByRole("button", { name: defaultMessages.tryAgain }));
      expect(window.open).toHaveBeenCalledTimes(2); // the second window, inside the click
      await turnsUntil(() => second.navigatedTo !== undefined);
      expect(statusRegion()).toHaveTextContent(defaultMessages["awaiting-popup"]);
      expect(screen.queryByRole("button", { name: defaultMessages.tryAgain })).toBeNull();
      fireEvent.click(screen.getByRole("button", { name: defaultMessages.cancel }));
      expect(onError.mock.calls.map(([error]) => error.code)).toEqual(["cancelled"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("offers to continue in this tab when the popup is blocked", () => {
    vi.spyOn(window, "open").mockReturnValue(null);
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} />);
    fireEvent.click(button());
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "popup_blocked" });
    expect(screen.getByRole("button", { name: defaultMessages.continueInThisTab })).toBeInTheDocument();
    expect(dumpStorage()).toBe("");
  });

  it("refuses an invalid callback URL, or plain PKCE, before opening anything", () => {
    vi.spyOn(window, "open");
    const onError = vi.fn();
    const view = renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} callbackUrl="http://example.com/cb" />);
    fireEvent.click(button());
    view.rerenderWith(<ConnectButton onKey={vi.fn()} onError={onError} codeChallengeMethod="plain" />);
    fireEvent.click(button());
    expect(window.open).not.toHaveBeenCalled();
    expect(onError.mock.calls.map(([error]) => [error.code, error.issues?.[0]?.path])).toEqual([
      ["invalid_request", ["callbackUrl"]],
      ["invalid_request", ["codeChallengeMethod"]],
    ]);
  });
});

describe("ConnectButton, the component (Radix-style props)", () => {
  it("passes native props through and names itself", () => {
    renderWith(emulator, <ConnectButton onKey={vi.fn()} className="mine" data-testid="b" aria-label="Get a key" disabled />);
    const el = screen.getByTestId("b");
    expect(el).toHaveClass("orc-button", "mine");
    expect(el).toBeDisabled();
    expect(el).toHaveAccessibleName("Get a key");
  });

  it("applies its own attributes first and the user's over them; joins aria-describedby; composes onClick", () => {
    vi.spyOn(window, "open").mockReturnValue(null);
    const onClick = vi.fn();
    renderWith(
      emulator,
      <>
        <p id="mine">Your key stays in this tab.</p>
        <ConnectButton onKey={vi.fn()} aria-describedby="mine" data-state="custom" onClick={onClick} />
      </>,
    );
    const el = screen.getByRole("button", { name: "Connect OpenRouter" });
    expect(el).toHaveAttribute("aria-describedby", "mine");
    expect(el).toHaveAttribute("data-state", "custom"); // the user's props win
    expect(el).toHaveAccessibleDescription("Your key stays in this tab.");
    fireEvent.click(el);
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(window.open).toHaveBeenCalledTimes(1); // composed: the user's handler, then the flow
    expect(el).toHaveAttribute("aria-describedby", `${statusRegion().id} mine`);
    expect(el).toHaveAccessibleDescription(`The browser blocked the OpenRouter window. Your key stays in this tab.`);
  });

  it("a handler that prevents the default stops the flow", () => {
    vi.spyOn(window, "open");
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onClick={(event) => event.preventDefault()} />);
    fireEvent.click(button());
    expect(window.open).not.toHaveBeenCalled();
    expect(button()).toHaveAttribute("data-state", "idle");
  });

  it.each([
    ["without persist", undefined, false],
    ["with persist", true, true],
  ] as const)("reads the stored key and listens to `storage` only when asked (%s)", (_, persist, touches) => {
    const listen = vi.spyOn(window, "addEventListener");
    const getItem = vi.spyOn(Storage.prototype, "getItem");
    renderWith(emulator, <ConnectButton onKey={vi.fn()} persist={persist} />);
    expect(listen.mock.calls.some(([type]) => type === "storage")).toBe(touches);
    expect(getItem.mock.calls.some(([key]) => key === "openrouter-connect:key")).toBe(touches);
  });

  it("says clearly when QueryClientProvider is missing", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(() => render(<ConnectButton onKey={vi.fn()} />)).toThrow(/QueryClientProvider/);
  });

  it("works without OpenRouterAuthProvider (OpenRouter's defaults)", () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ConnectButton onKey={vi.fn()} />
      </QueryClientProvider>,
    );
    expect(button()).toHaveAttribute("data-state", "idle");
  });
});
