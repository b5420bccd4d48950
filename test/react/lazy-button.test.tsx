// @vitest-environment jsdom
// ConnectButton as an app that renders only the button gets it (issue 17): it paints without its
// flow part, which loads on the first pointerenter, focus or touchstart, by a click (which opens
// its window first, inside the click), or at once on a page OpenRouter sent back to.
//
// This file imports the button's own module, never the package root: the root's
// useOpenRouterConnect registers the flow part as it loads (an app with the hook has it at once),
// which the other suites rely on. Each test loads fresh modules, with the flow part behind a
// pass-through mock that counts its loads and can refuse or hold them, as a network or a CSP would.
// The flows themselves run for real against the emulator over HTTP. (Real windows: the Chromium
// e2e test, test/e2e/lazy.spec.ts.)
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConnectStatus } from "../../src/core/flow/connect-flow.js";
import { defaultMessages } from "../../src/core/messages.js";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { decideConsent } from "./helpers.js";

let emulator: RunningOpenRouterEmulator;
beforeAll(async () => {
  emulator = await startOpenRouterEmulator({ port: 0 });
});
afterAll(() => emulator.close());

beforeEach(() => {
  emulator.reset();
  sessionStorage.clear();
  localStorage.clear();
  window.history.replaceState(null, "", "/");
});
// A load still on its way when a test ends would land in the next test's fresh module registry
// (vi.resetModules) and hand it the flow part without its gate ever counting a load: each test
// ends with its loads settled, held ones released.
let openGate: FlowPartGate | undefined;
let loadsInFlight: Array<Promise<unknown>> = [];
afterEach(async () => {
  openGate?.release();
  await Promise.allSettled(loadsInFlight);
  loadsInFlight = [];
  openGate = undefined;
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.doUnmock("../../src/react/flow-part.js");
});

interface FlowPartGate {
  /** How many times the flow part's module was asked for. */
  loads: number;
  /** Refuse this many loads (a network error, a CSP refusing the chunk). */
  refuse: number;
  /** Hold loads until release() (a slow network). */
  hold: boolean;
  release: () => void;
}

/** Fresh modules: the button, its provider, and the flow part behind a gate. */
async function freshButton() {
  vi.resetModules();
  let released!: () => void;
  const gate: FlowPartGate = { loads: 0, refuse: 0, hold: false, release: () => released() };
  const releasedPromise = new Promise<void>((resolve) => (released = resolve));
  vi.doMock("../../src/react/flow-part.js", (importOriginal) => {
    gate.loads++;
    const load = (async () => {
      if (gate.hold) await releasedPromise;
      if (gate.refuse > 0) {
        gate.refuse--;
        throw new TypeError("Failed to fetch dynamically imported module: flow-part.js");
      }
      return importOriginal();
    })();
    loadsInFlight.push(load);
    return load as Promise<never>;
  });
  openGate = gate;
  const { ConnectButton } = await import("../../src/react/ConnectButton.js");
  const { OpenRouterAuthProvider } = await import("../../src/react/context.js");
  const { FLOW_PART_TIMEOUT_MS } = await import("../../src/react/button-flow.js");
  const Providers = ({ children, baseUrl = emulator.apiBaseUrl }: { children: ReactNode; baseUrl?: string }) => (
    <QueryClientProvider client={new QueryClient()}>
      <OpenRouterAuthProvider baseUrl={baseUrl} authUrl={emulator.authUrl} apiKey={emulator.apiKey}>
        {children}
      </OpenRouterAuthProvider>
    </QueryClientProvider>
  );
  return { ConnectButton, Providers, gate, FLOW_PART_TIMEOUT_MS };
}

const button = () => screen.getByRole("button", { name: /connect openrouter|connected/i });
const statusRegion = () => screen.getByRole("status", { hidden: true });

/** Event-loop turns (module loads, WebCrypto, fetch) until `condition` holds; no clock, so it works under fake timers. */
async function turnsUntil(condition: () => boolean, what: string): Promise<void> {
  const giveUpAt = performance.now() + 5_000;
  while (!condition()) {
    if (performance.now() > giveUpAt) throw new Error(`never happened: ${what}`);
    await act(() => new Promise<void>((resolve) => setImmediate(resolve)));
  }
}

interface StandInPopup {
  closed: boolean;
  navigatedTo: string | undefined;
  window: Window;
}

/** window.open gives a stand-in window (jsdom has none) and records the event it ran in. */
function installPopups(): { popups: StandInPopup[]; openedIn: Array<string | undefined> } {
  const popups: StandInPopup[] = [];
  const openedIn: Array<string | undefined> = [];
  vi.spyOn(window, "open").mockImplementation(() => {
    openedIn.push(window.event?.type);
    const popup: StandInPopup = { closed: false, navigatedTo: undefined, window: undefined as unknown as Window };
    popup.window = {
      get closed() {
        return popup.closed;
      },
      location: {
        replace: (url: string) => void (popup.navigatedTo = url),
        get href(): string {
          if (popup.navigatedTo) throw new DOMException("cross-origin", "SecurityError");
          return "about:blank";
        },
      },
      document: { title: "", body: { textContent: "" } },
      close: () => void (popup.closed = true),
      focus: () => {},
    } as unknown as Window;
    popups.push(popup);
    return popup.window;
  });
  return { popups, openedIn };
}

/** The popup's callback page answering its opener with the code OpenRouter sent back. */
async function approveIn(popup: StandInPopup): Promise<void> {
  const back = await decideConsent(popup.navigatedTo as string, "approve");
  const attemptId = JSON.parse(sessionStorage.getItem("openrouter-connect:popup") as string).attemptId;
  act(() => {
    window.dispatchEvent(
      new MessageEvent("message", { origin: window.location.origin, source: popup.window as never, data: { type: "openrouter-connect:callback", attemptId, code: back.searchParams.get("code") } }),
    );
  });
}

describe("ConnectButton's first paint", () => {
  it("renders, styled, without loading the flow part; nothing loads until someone interacts", async () => {
    const { ConnectButton, Providers, gate } = await freshButton();
    render(
      <Providers>
        <ConnectButton onKey={vi.fn()} persist showBalance />
      </Providers>,
    );
    expect(button()).toHaveAttribute("data-state", "idle");
    expect(button()).toHaveAccessibleName(defaultMessages.connect);
    expect(document.getElementById("openrouter-connect-styles")).not.toBeNull();
    await turnsUntil(() => true, "a few turns");
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(gate.loads).toBe(0);
  });

  it.each([
    ["pointerenter", (el: HTMLElement) => fireEvent.pointerEnter(el)],
    ["focus", (el: HTMLElement) => fireEvent.focus(el)],
    ["touchstart", (el: HTMLElement) => fireEvent.touchStart(el)],
  ])("prefetches the flow part on the first %s, once", async (_, interact) => {
    const { ConnectButton, Providers, gate } = await freshButton();
    render(
      <Providers>
        <ConnectButton onKey={vi.fn()} />
      </Providers>,
    );
    interact(button());
    interact(button());
    await turnsUntil(() => gate.loads > 0, "the flow part to load");
    await turnsUntil(() => true, "a few turns");
    expect(gate.loads).toBe(1);
    expect(button()).toHaveAttribute("data-state", "idle"); // loading changes nothing on screen
  });

  it("a handler of the app that prevents the default keeps the button's prefetch out", async () => {
    const { ConnectButton, Providers, gate } = await freshButton();
    const onPointerEnter = vi.fn((event: { preventDefault(): void }) => event.preventDefault());
    render(
      <Providers>
        <ConnectButton onKey={vi.fn()} onPointerEnter={onPointerEnter} />
      </Providers>,
    );
    fireEvent.pointerEnter(button());
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(onPointerEnter).toHaveBeenCalledTimes(1);
    expect(gate.loads).toBe(0);
  });
});

describe("a click before the flow part is here", () => {
  it("opens the popup inside the click, says opening once, then sends it to OpenRouter and exchanges the code once", async () => {
    const { ConnectButton, Providers, gate } = await freshButton();
    const { popups, openedIn } = installPopups();
    const onKey = vi.fn();
    const statuses: ConnectStatus[] = [];
    render(
      <Providers>
        <ConnectButton onKey={onKey} onStatusChange={(status) => statuses.push(status)} />
      </Providers>,
    );
    fireEvent.click(button());
    // Synchronously, inside the click: the window is open and the button busy, before anything loaded.
    expect(window.open).toHaveBeenCalledTimes(1);
    expect(window.open).toHaveBeenCalledWith("", "openrouter-connect", "popup=yes,width=520,height=720");
    expect(openedIn).toEqual(["click"]);
    expect(button()).toHaveAttribute("data-state", "opening");
    expect(button()).toHaveAttribute("aria-busy", "true");
    expect(statuses).toEqual(["opening"]);

    await turnsUntil(() => popups[0]?.navigatedTo !== undefined, "the consent page");
    expect(gate.loads).toBe(1);
    expect(new URL(popups[0]?.navigatedTo as string).origin + new URL(popups[0]?.navigatedTo as string).pathname).toBe(emulator.authUrl);
    expect(statusRegion()).toHaveTextContent(defaultMessages["awaiting-popup"]);
    expect(screen.getByRole("button", { name: defaultMessages.cancel })).toBeInTheDocument();

    await approveIn(popups[0] as StandInPopup);
    await turnsUntil(() => onKey.mock.calls.length === 1, "the key");
    expect(emulator.exchanges()).toHaveLength(1);
    expect(onKey).toHaveBeenCalledWith({ key: emulator.exchanges()[0]?.key, userId: "user_emulator" });
    expect(statuses).toEqual(["opening", "awaiting-approval", "exchanging", "connected"]);
    expect(window.open).toHaveBeenCalledTimes(1);
    expect(popups[0]?.closed).toBe(true);
  });

  it("a second click while the first waits for the flow part starts nothing more", async () => {
    const { ConnectButton, Providers, gate } = await freshButton();
    gate.hold = true;
    const { popups } = installPopups();
    render(
      <Providers>
        <ConnectButton onKey={vi.fn()} />
      </Providers>,
    );
    fireEvent.click(button());
    fireEvent.click(button());
    gate.release();
    await turnsUntil(() => popups[0]?.navigatedTo !== undefined, "the consent page");
    expect(window.open).toHaveBeenCalledTimes(1);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("minted: nothing opens; the code is created and exchanged once", async () => {
    const { ConnectButton, Providers } = await freshButton();
    vi.spyOn(window, "open");
    const onKey = vi.fn();
    render(
      <Providers>
        <ConnectButton onKey={onKey} mint={{ limit: 3 }} />
      </Providers>,
    );
    fireEvent.click(button());
    expect(button()).toHaveAttribute("data-state", "opening");
    await turnsUntil(() => onKey.mock.calls.length === 1, "the key");
    expect(window.open).not.toHaveBeenCalled();
    expect(emulator.codesIssued()).toMatchObject([{ source: "minted", limit: 3 }]);
    expect(emulator.exchanges()).toHaveLength(1);
  });

  it("paste: the consent tab opens inside the click, then goes to OpenRouter's headless page", async () => {
    const { ConnectButton, Providers } = await freshButton();
    const { popups, openedIn } = installPopups();
    render(
      <Providers>
        <ConnectButton onKey={vi.fn()} mode="paste" />
      </Providers>,
    );
    fireEvent.click(button());
    expect(window.open).toHaveBeenCalledWith("", "_blank");
    expect(openedIn).toEqual(["click"]);
    await turnsUntil(() => popups[0]?.navigatedTo !== undefined, "the headless consent page");
    expect(new URL(popups[0]?.navigatedTo as string).searchParams.get("code_challenge_method")).toBe("S256");
    expect(screen.getByLabelText(defaultMessages.pasteLabel)).toBeInTheDocument();
  });

  it("a flow part that does not load: load_failed in the table's words, the popup closed; the next click loads it again and works", async () => {
    const { ConnectButton, Providers, gate } = await freshButton();
    gate.refuse = 1;
    const { popups } = installPopups();
    const onError = vi.fn();
    const onKey = vi.fn();
    const statuses: ConnectStatus[] = [];
    render(
      <Providers>
        <ConnectButton onKey={onKey} onError={onError} onStatusChange={(status) => statuses.push(status)} />
      </Providers>,
    );
    fireEvent.click(button());
    await turnsUntil(() => onError.mock.calls.length === 1, "the error");
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ name: "OpenRouterAuthError", code: "load_failed", retryable: true });
    expect(popups[0]?.closed).toBe(true);
    expect(popups[0]?.navigatedTo).toBeUndefined();
    expect(button()).toHaveAttribute("data-state", "error");
    expect(statusRegion()).toHaveTextContent(defaultMessages.load_failed);
    expect(statuses).toEqual(["opening", "error"]);

    fireEvent.click(button());
    expect(window.open).toHaveBeenCalledTimes(2);
    await turnsUntil(() => popups[1]?.navigatedTo !== undefined, "the consent page");
    expect(gate.loads).toBe(2);
    await approveIn(popups[1] as StandInPopup);
    await turnsUntil(() => onKey.mock.calls.length === 1, "the key");
    expect(emulator.exchanges()).toHaveLength(1);
    expect(statuses).toEqual(["opening", "error", "opening", "awaiting-approval", "exchanging", "connected"]);
  });

  it("a flow part that never comes: load_failed at the deadline, the popup closed", async () => {
    const { ConnectButton, Providers, gate, FLOW_PART_TIMEOUT_MS } = await freshButton();
    gate.hold = true;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { popups } = installPopups();
    const onError = vi.fn();
    render(
      <Providers>
        <ConnectButton onKey={vi.fn()} onError={onError} />
      </Providers>,
    );
    fireEvent.click(button());
    await turnsUntil(() => gate.loads === 1, "the load to start");
    await act(async () => void vi.advanceTimersByTime(FLOW_PART_TIMEOUT_MS - 1));
    expect(onError).not.toHaveBeenCalled();
    await act(async () => void vi.advanceTimersByTime(1));
    await turnsUntil(() => onError.mock.calls.length === 1, "the error");
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "load_failed" });
    expect(popups[0]?.closed).toBe(true);
    gate.release(); // arriving late starts nothing
    await turnsUntil(() => true, "a few turns");
    expect(popups[0]?.navigatedTo).toBeUndefined();
  });

  it("a button gone before its flow part came: its popup closes, nothing starts, and its last status is idle", async () => {
    const { ConnectButton, Providers, gate } = await freshButton();
    gate.hold = true;
    const { popups } = installPopups();
    const statuses: ConnectStatus[] = [];
    const view = render(
      <Providers>
        <ConnectButton onKey={vi.fn()} onStatusChange={(status) => statuses.push(status)} />
      </Providers>,
    );
    fireEvent.click(button());
    view.unmount();
    gate.release();
    await turnsUntil(() => popups[0]?.closed === true, "the popup to close");
    expect(popups[0]?.navigatedTo).toBeUndefined();
    await turnsUntil(() => statuses.length === 2, "the status after the wait");
    expect(statuses).toEqual(["opening", "idle"]);
  });

  it("a page OpenRouter sent back to, whose flow part fails while a click waits on the same load: one load_failed", async () => {
    window.history.replaceState(null, "", "/?code=from-an-old-tab");
    const { ConnectButton, Providers, gate } = await freshButton();
    gate.hold = true;
    gate.refuse = 1;
    const { popups } = installPopups();
    const onError = vi.fn();
    render(
      <Providers>
        <ConnectButton onKey={vi.fn()} onError={onError} />
      </Providers>,
    );
    await turnsUntil(() => gate.loads === 1, "the load at mount");
    fireEvent.click(button());
    gate.release();
    await turnsUntil(() => onError.mock.calls.length > 0, "the error");
    await turnsUntil(() => popups[0]?.closed === true, "the popup to close");
    expect(onError.mock.calls.map(([error]) => error.code)).toEqual(["load_failed"]);
    expect(gate.loads).toBe(1);
  });

  it("a provider with an invalid client option: invalid_request at the click, the popup closed, nothing sent", async () => {
    const { ConnectButton, Providers } = await freshButton();
    const { popups } = installPopups();
    const onError = vi.fn();
    render(
      <Providers baseUrl="http://openrouter.example/api/v1">
        <ConnectButton onKey={vi.fn()} onError={onError} />
      </Providers>,
    );
    fireEvent.click(button());
    await turnsUntil(() => onError.mock.calls.length === 1, "the error");
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "invalid_request", issues: [{ path: ["baseUrl"] }] });
    expect(popups[0]?.closed).toBe(true);
    expect(statusRegion()).toHaveTextContent(defaultMessages.invalid_request);
    expect(emulator.app.requests()).toHaveLength(0);
  });
});

describe("coming back", () => {
  it("a redirect's return (?code= and the attempt's record) loads the flow part at once, with no interaction, and exchanges once", async () => {
    const { ConnectButton, Providers, gate } = await freshButton();
    const { createPkcePair } = await import("../../src/core/pkce.js");
    const pair = await createPkcePair();
    const consent = new URL(emulator.authUrl);
    consent.searchParams.set("callback_url", "http://localhost:3000/");
    consent.searchParams.set("code_challenge", pair.codeChallenge);
    consent.searchParams.set("code_challenge_method", "S256");
    const code = (await decideConsent(consent.toString(), "approve")).searchParams.get("code") as string;
    sessionStorage.setItem(
      "openrouter-connect:redirect",
      JSON.stringify({ attemptId: "a1", codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256", callbackUrl: "http://localhost:3000/", expiresAt: Date.now() + 60_000 }),
    );
    window.history.replaceState(null, "", `/?code=${encodeURIComponent(code)}`);
    const onKey = vi.fn();
    render(
      <Providers>
        <ConnectButton onKey={onKey} mode="redirect" />
      </Providers>,
    );
    await turnsUntil(() => onKey.mock.calls.length === 1, "the key");
    expect(gate.loads).toBe(1);
    expect(emulator.exchanges()).toHaveLength(1);
    expect(window.location.search).toBe("");
  });

  it("a ?code= on a route that is not its callback route, with nothing of ours stored: nothing loads, the code stays", async () => {
    const { ConnectButton, Providers, gate } = await freshButton();
    window.history.replaceState(null, "", "/settings?code=for-someone-else");
    render(
      <Providers>
        <ConnectButton onKey={vi.fn()} callbackUrl="http://localhost:3000/openrouter/callback" />
      </Providers>,
    );
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(gate.loads).toBe(0);
    expect(window.location.search).toBe("?code=for-someone-else");
  });

  it("a kept key with showBalance: the balance needs the HTTP client, so the flow part loads for it", async () => {
    const { ConnectButton, Providers, gate } = await freshButton();
    const { createOpenRouterAuthClient } = await import("../../src/core/client.js");
    const { createPkcePair } = await import("../../src/core/pkce.js");
    const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
    const pair = await createPkcePair();
    const { data } = await client.createAuthCode({ callbackUrl: "http://localhost:3000/", codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256", limit: 4.5 });
    const { key } = await client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });
    sessionStorage.setItem("openrouter-connect:key", key);
    render(
      <Providers>
        <ConnectButton onKey={vi.fn()} persist showBalance />
      </Providers>,
    );
    expect(button()).toHaveAccessibleName(defaultMessages.connectedLabel);
    await turnsUntil(() => button().textContent === "Connected · $4.50 left", "the balance");
    expect(gate.loads).toBe(1);
  });
});
