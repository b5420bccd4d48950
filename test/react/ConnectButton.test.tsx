// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { createRef, type ReactElement } from "react";
import { describe, expect, it, vi } from "vitest";
import { ConnectButton, createCodeChallenge, createPkcePair, type ConnectStatus } from "../../src/index.js";
import { decideConsent, dumpStorage, renderWith, freshEmulatorPerTest } from "./helpers.js";

const emulator = freshEmulatorPerTest();

const button = () => screen.getByRole("button", { name: /connect openrouter|connected/i });

describe("ConnectButton, minted flow", () => {
  it("walks through its states and hands the key to onKey once", async () => {
    const onKey = vi.fn();
    const statuses: ConnectStatus[] = [];
    renderWith(emulator, <ConnectButton onKey={onKey} onStatusChange={(s) => statuses.push(s)} mint={{ limit: 5, keyLabel: "Test" }} />, {
      strict: true,
    });
    expect(button()).toHaveAttribute("data-state", "idle");
    expect(button()).toHaveAttribute("type", "button");
    fireEvent.click(button());
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    const [exchange] = emulator.exchanges();
    expect(emulator.exchanges()).toHaveLength(1);
    expect(onKey).toHaveBeenCalledWith({ key: exchange?.key, userId: "user_emulator" });
    expect(statuses).toEqual(["opening", "exchanging", "connected"]);
    expect(button()).toHaveAttribute("data-state", "connected");
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

  it("refuses bad mint input before any request", async () => {
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} mint={{ limit: -1 }} />);
    fireEvent.click(button());
    await waitFor(() => expect(onError).toHaveBeenCalled());
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "invalid_request", issues: [{ path: ["limit"] }] });
    expect(emulator.app.requests()).toHaveLength(0);
    expect(button()).toHaveAttribute("data-state", "error");
  });

  it.each([
    ["unauthorized", () => {}, null],
    ["server_error", () => emulator.faults.failNext("exchange", { status: 500 }), undefined],
    ["network_error", () => emulator.faults.dropNext("exchange"), undefined],
    ["invalid_response", () => emulator.faults.malformedNext("exchange"), undefined],
    ["conflict", () => emulator.faults.failNext("code", { status: 409 }), undefined],
  ] as const)("reports %s, then a new attempt succeeds", async (code, inject, apiKey) => {
    inject();
    const onError = vi.fn();
    const onKey = vi.fn();
    renderWith(emulator, <ConnectButton onKey={onKey} onError={onError} mint={{}} />, { apiKey });
    fireEvent.click(button());
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code, name: "OpenRouterAuthError" });
    expect(await screen.findByRole("status")).toHaveTextContent(onError.mock.calls[0]?.[0].message);
    if (apiKey === null) return;
    fireEvent.click(button());
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
  });

  it("ends a wait at its deadline with timeout", async () => {
    emulator.faults.delay("exchange", 2_000);
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} mint={{}} timeoutMs={300} />);
    fireEvent.click(button());
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "timeout" });
    emulator.faults.clear();
  });

  it("persists only when asked, shows the balance and can disconnect", async () => {
    const onKey = vi.fn();
    const view = renderWith(emulator, <ConnectButton onKey={onKey} mint={{ limit: 74.5 }} persist showBalance />);
    fireEvent.click(button());
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    const key = onKey.mock.calls[0]?.[0].key as string;
    // `persist` alone: this tab's sessionStorage, never localStorage.
    expect(sessionStorage.getItem("openrouter-connect:key")).toBe(key);
    expect(localStorage.getItem("openrouter-connect:key")).toBeNull();
    await waitFor(() => expect(button()).toHaveTextContent(/Connected · \$74\.50 left/));
    view.unmount();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} persist />);
    expect(button()).toHaveAttribute("data-state", "connected");
    fireEvent.click(screen.getByRole("button", { name: "Disconnect" }));
    expect(sessionStorage.getItem("openrouter-connect:key")).toBeNull();
    expect(button()).toHaveAttribute("data-state", "idle");
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
    await new Promise((r) => setTimeout(r, 50));
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
    expect(dumpStorage()).toBe("");
  });

  it.each([
    ["temporarily_unavailable", "server_error", true],
    ["server_error", "server_error", true],
    ["invalid_request", "invalid_request", false],
    ["unsupported_response_type", "access_denied", false],
    ["<script>alert(1)</script>", "access_denied", false],
  ])("reports ?error=%s as %s (retryable: %s), the value cleaned", async (sent, code, retryable) => {
    sessionStorage.setItem(
      "openrouter-connect:redirect",
      JSON.stringify({ attemptId: "a1", codeVerifier: "v".repeat(43), codeChallengeMethod: "S256", callbackUrl: "http://localhost:3000/", expiresAt: Date.now() + 60_000 }),
    );
    window.history.replaceState(null, "", `/?error=${encodeURIComponent(sent)}`);
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} />);
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    const error = onError.mock.calls[0]?.[0];
    expect(error).toMatchObject({ code, retryable });
    expect(error.message).not.toMatch(/[<>]/);
    expect(window.location.search).toBe("");
  });

  it("starts a redirect flow: verifier kept for the attempt, consent URL with the challenge", async () => {
    const assign = vi.fn();
    vi.spyOn(window, "location", "get").mockReturnValue({ ...window.location, origin: "http://localhost:3000", pathname: "/", href: "http://localhost:3000/", assign } as unknown as Location);
    renderWith(emulator, <ConnectButton onKey={vi.fn()} mode="redirect" limit={3} />);
    fireEvent.click(button());
    await waitFor(() => expect(assign).toHaveBeenCalledTimes(1));
    const consent = new URL(assign.mock.calls[0]?.[0]);
    expect(consent.origin + consent.pathname).toBe(emulator.authUrl);
    expect(consent.searchParams.get("callback_url")).toBe("http://localhost:3000/");
    expect(consent.searchParams.get("code_challenge_method")).toBe("S256");
    expect(consent.searchParams.get("limit")).toBe("3");
    const record = JSON.parse(sessionStorage.getItem("openrouter-connect:redirect") as string);
    expect(consent.searchParams.get("code_challenge")).toBe(await createCodeChallenge(record.codeVerifier));
    expect(consent.toString()).not.toContain(record.codeVerifier);
  });
});

interface FakePopup {
  closed: boolean;
  atProvider: boolean;
  navigatedTo: string | undefined;
  window: Window;
}

function installPopup(): FakePopup {
  const state: FakePopup = { closed: false, atProvider: false, navigatedTo: undefined, window: undefined as unknown as Window };
  const popup = {
    get closed() {
      return state.closed;
    },
    location: {
      replace: (url: string) => {
        state.navigatedTo = url;
        state.atProvider = true;
      },
      get href() {
        if (state.atProvider) throw new DOMException("cross-origin", "SecurityError");
        return "about:blank";
      },
    },
    document: { title: "", body: { textContent: "" } },
    close: () => {
      state.closed = true;
    },
    focus: () => {},
  };
  state.window = popup as unknown as Window;
  vi.spyOn(window, "open").mockImplementation(() => state.window);
  return state;
}

/** Renders `element`, clicks it, and closes the popup 100 ms after it reached the provider. */
async function closeSoonAfterArrival(element: ReactElement): Promise<{ popup: FakePopup; attemptId: string }> {
  const popup = installPopup();
  renderWith(emulator, element);
  fireEvent.click(button());
  await waitFor(() => expect(popup.navigatedTo).toBeDefined());
  await new Promise((r) => setTimeout(r, 100));
  const attemptId = popupMarker(); // the popup's own copy of sessionStorage keeps it
  popup.closed = true;
  return { popup, attemptId };
}

function popupMarker(): string {
  return JSON.parse(sessionStorage.getItem("openrouter-connect:popup") as string).attemptId;
}

describe("ConnectButton, popup flow (jsdom stand-in for a window; real windows run in Chromium e2e)", () => {
  it("opens the popup inside the click, then exchanges the code it sends back", async () => {
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
    const back = await decideConsent(popup.navigatedTo as string, "approve");
    const attemptId = popupMarker();
    // A message from another origin, or for another attempt, is ignored.
    act(() => {
      window.dispatchEvent(new MessageEvent("message", { origin: "https://evil.example", source: popup.window as never, data: { type: "openrouter-connect:callback", attemptId, code: "x" } }));
      window.dispatchEvent(new MessageEvent("message", { origin: window.location.origin, source: popup.window as never, data: { type: "openrouter-connect:callback", attemptId: "other", code: "x" } }));
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(emulator.exchanges()).toHaveLength(0);
    act(() => {
      window.dispatchEvent(new MessageEvent("message", { origin: window.location.origin, source: popup.window as never, data: { type: "openrouter-connect:callback", attemptId, code: back.searchParams.get("code") } }));
    });
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    expect(popup.closed).toBe(true);
    expect(emulator.exchanges()).toHaveLength(1);
    expect(document.activeElement).toBe(button());
    expect(dumpStorage()).toBe("");
  });

  it("reports popup_closed within a second when the user closes it", async () => {
    const popup = installPopup();
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} />);
    fireEvent.click(button());
    await waitFor(() => expect(popup.navigatedTo).toBeDefined());
    // Closed soon after the provider's page showed: longer than COOP's moment (POPUP_SETTLE_MS, 20 ms),
    // as quickly as a person or a test closes it.
    await new Promise((r) => setTimeout(r, 150));
    const closedAt = Date.now();
    popup.closed = true;
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1), { timeout: 1500 });
    expect(Date.now() - closedAt).toBeLessThan(1000);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "popup_closed" });
    expect(button()).toHaveAttribute("data-state", "error");
    expect(dumpStorage()).toBe("");
  });

  it("keeps waiting when COOP hides the popup, until Cancel", async () => {
    const popup = installPopup();
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} />);
    fireEvent.click(button());
    await waitFor(() => expect(popup.navigatedTo).toBeDefined());
    // Severed before we ever saw the provider's page: `closed` reads true while it is open.
    popup.atProvider = false;
    popup.closed = true;
    await new Promise((r) => setTimeout(r, 900));
    expect(onError).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "cancelled" });
  });

  it("keeps waiting when COOP hides the popup a moment after it reached the provider", async () => {
    const popup = installPopup();
    // As Chromium shows a COOP provider: cross-origin for a few ms, then `closed` while still open.
    // Here for exactly one poll: the first look at the provider's page is the last.
    Object.defineProperty(popup.window.location, "href", {
      get() {
        popup.closed = true;
        throw new DOMException("cross-origin", "SecurityError");
      },
    });
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} />);
    fireEvent.click(button());
    await waitFor(() => expect(popup.closed).toBe(true));
    await new Promise((r) => setTimeout(r, 900));
    expect(onError).not.toHaveBeenCalled();
    expect(button()).toHaveAttribute("data-state", "awaiting-approval");
  });

  it("reports popup_closed for a popup that read closed soon after reaching the provider, yet finishes with its late answer (COOP)", async () => {
    const onKey = vi.fn();
    const onError = vi.fn();
    const onStatusChange = vi.fn();
    // The user, or (rarely this late) COOP cutting off a popup that stays open.
    const { popup, attemptId } = await closeSoonAfterArrival(<ConnectButton onKey={onKey} onError={onError} onStatusChange={onStatusChange} />);
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "popup_closed" });
    expect(button()).toHaveAttribute("data-state", "error");
    expect(document.activeElement, "focus is back on the button").toBe(button());
    // It was open after all: the user approves there and the code comes back over the channel.
    const back = await decideConsent(popup.navigatedTo as string, "approve");
    const channel = new BroadcastChannel("openrouter-connect");
    channel.postMessage({ type: "openrouter-connect:callback", attemptId, code: back.searchParams.get("code") });
    channel.close();
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    expect(button()).toHaveAttribute("data-state", "connected");
    expect(onStatusChange.mock.calls.map(([status]) => status)).toEqual(["opening", "awaiting-approval", "error", "exchanging", "connected"]);
    expect(emulator.exchanges()).toHaveLength(1);
    expect(dumpStorage()).toBe("");
  });

  it("stops listening for a late answer at the deadline, quietly", async () => {
    const onError = vi.fn();
    await closeSoonAfterArrival(<ConnectButton onKey={vi.fn()} onError={onError} timeoutMs={800} />);
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    const channels = vi.spyOn(BroadcastChannel.prototype, "close");
    await new Promise((r) => setTimeout(r, 800)); // past the deadline
    expect(channels).toHaveBeenCalled(); // the attempt's channel is shut
    expect(onError).toHaveBeenCalledTimes(1); // no `timeout` on top of `popup_closed`
    expect(button()).toHaveAttribute("data-state", "error");
    channels.mockRestore();
  });

  it("starts over on a new click when COOP hid the popup (the user may have closed it), and finishes the new attempt", async () => {
    const first = installPopup();
    const onKey = vi.fn();
    const onError = vi.fn();
    const onStatusChange = vi.fn();
    renderWith(emulator, <ConnectButton onKey={onKey} onError={onError} onStatusChange={onStatusChange} />);
    fireEvent.click(button());
    await waitFor(() => expect(first.navigatedTo).toBeDefined());
    first.atProvider = false;
    first.closed = true; // COOP, or the user closing it at once: we can't tell
    await new Promise((r) => setTimeout(r, 600)); // a poll or two sees it
    const second = installPopup();
    fireEvent.click(button());
    expect(window.open).toHaveBeenCalledTimes(2); // a second window, inside the click
    await waitFor(() => expect(second.navigatedTo).toBeDefined());
    expect(new URL(second.navigatedTo as string).searchParams.get("code_challenge")).not.toBe(new URL(first.navigatedTo as string).searchParams.get("code_challenge"));
    expect(onError).not.toHaveBeenCalled();
    expect(onStatusChange.mock.calls.map(([status]) => status)).toEqual(["opening", "awaiting-approval", "opening", "awaiting-approval"]);
    const back = await decideConsent(second.navigatedTo as string, "approve");
    act(() => {
      window.dispatchEvent(new MessageEvent("message", { origin: window.location.origin, source: second.window as never, data: { type: "openrouter-connect:callback", attemptId: popupMarker(), code: back.searchParams.get("code") } }));
    });
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    expect(emulator.exchanges()).toHaveLength(1);
  });

  it("brings a popup it can still see to the front on a second click instead of opening another", async () => {
    const popup = installPopup();
    const focus = vi.spyOn(popup.window, "focus");
    renderWith(emulator, <ConnectButton onKey={vi.fn()} />);
    fireEvent.click(button());
    await waitFor(() => expect(popup.navigatedTo).toBeDefined());
    await new Promise((r) => setTimeout(r, 300));
    fireEvent.click(button());
    expect(window.open).toHaveBeenCalledTimes(1);
    expect(focus).toHaveBeenCalledTimes(1);
    expect(button()).toHaveAttribute("data-state", "awaiting-approval");
  });

  it("offers to continue in this tab when the popup is blocked", async () => {
    vi.spyOn(window, "open").mockReturnValue(null);
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} />);
    fireEvent.click(button());
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "popup_blocked" });
    expect(screen.getByRole("button", { name: "Continue in this tab" })).toBeInTheDocument();
    expect(dumpStorage()).toBe("");
  });

  it("refuses an invalid callback URL before opening anything", async () => {
    vi.spyOn(window, "open");
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} callbackUrl="http://example.com/cb" />);
    fireEvent.click(button());
    expect(window.open).not.toHaveBeenCalled();
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "invalid_request", issues: [{ path: ["callbackUrl"] }] });
  });
});

describe("ConnectButton, the component", () => {
  it("passes native props through and names itself", () => {
    renderWith(emulator, <ConnectButton onKey={vi.fn()} className="mine" data-testid="b" aria-label="Get a key" disabled />);
    const el = screen.getByTestId("b");
    expect(el).toHaveClass("orc-button", "mine");
    expect(el).toBeDisabled();
    expect(el).toHaveAccessibleName("Get a key");
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
