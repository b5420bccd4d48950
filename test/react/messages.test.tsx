// @vitest-environment jsdom
// Translations in the components: which table a text comes from (prop > provider > English, key
// by key), errors worded by code, the balance formatted for the reader, the popup's placeholder.
// Real flows against the emulator over HTTP; only windows are stand-ins (jsdom has none).
import { act, fireEvent, renderHook, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { AuthCallback, ConnectButton, defaultMessages, OpenRouterAuthProvider, useConnectMessages, useReaderLocale, type ConnectMessages } from "../../src/index.js";
import { de, fr } from "../../src/locales/index.js";
import { freshEmulatorPerTest, Providers, renderWith } from "./helpers.js";

const emulator = freshEmulatorPerTest();
const statusRegion = () => screen.getByRole("status", { hidden: true });
const mainButton = () => document.querySelector(".orc-button") as HTMLButtonElement;

/** window.open gives a stand-in window that records what the flow wrote into it. */
function recordOpenedWindows() {
  const opened: Array<{ title: string; text: string; url?: string }> = [];
  vi.spyOn(window, "open").mockImplementation(() => {
    const record: { title: string; text: string; url?: string } = { title: "", text: "" };
    opened.push(record);
    return {
      closed: false,
      opener: null,
      document: {
        set title(value: string) {
          record.title = value;
        },
        body: {
          set textContent(value: string) {
            record.text = value;
          },
        },
      },
      location: { replace: (url: string) => void (record.url = url), href: "about:blank" },
      close() {},
      focus() {},
    } as unknown as Window;
  });
  return opened;
}

describe("where a text comes from: the button's messages > the provider's > English, key by key", () => {
  it("takes each key from the nearest table that has a usable text for it", async () => {
    recordOpenedWindows();
    const provider: Partial<ConnectMessages> = { connect: "Provider connect", cancel: "Provider cancel", submitCode: "Provider submit", pasteLabel: "" };
    const own = { connect: "Own connect", submitCode: "   ", openConsentPage: 7 } as unknown as Partial<ConnectMessages>;
    renderWith(emulator, <ConnectButton onKey={vi.fn()} mode="paste" messages={own} />, { messages: provider });
    expect(mainButton()).toHaveAccessibleName("Own connect");
    fireEvent.click(mainButton());
    await waitFor(() => expect(statusRegion()).toHaveTextContent(defaultMessages["awaiting-paste"]));
    expect(screen.getByRole("button", { name: "Provider cancel" })).toBeInTheDocument(); // provider only
    expect(screen.getByRole("button", { name: "Provider submit" })).toBeInTheDocument(); // own is blank: provider's
    expect(screen.getByLabelText(defaultMessages.pasteLabel)).toBeInTheDocument(); // provider's is empty: English
    expect(screen.getByRole("link", { name: defaultMessages.openConsentPage })).toBeInTheDocument(); // own is not a string: English
    expect(mainButton()).toHaveAccessibleName("Own connect"); // stays the name while busy
  });

  it("useConnectMessages merges the same way for a UI of your own", () => {
    const wrapper = ({ children }: { children: ReactNode }) => (
      <Providers emulator={emulator} messages={{ cancel: "P", tryAgain: "P" }}>
        {children}
      </Providers>
    );
    const { result } = renderHook(() => useConnectMessages({ tryAgain: "Own" }), { wrapper });
    expect(result.current).toEqual({ ...defaultMessages, cancel: "P", tryAgain: "Own" });
  });

  it("a provider's messages written inline do not make a new client on each render", () => {
    const { rerenderWith } = renderWith(emulator, <ConnectButton onKey={vi.fn()} />, { messages: { connect: "A" } });
    const before = mainButton();
    rerenderWith(<ConnectButton onKey={vi.fn()} />);
    expect(mainButton()).toBe(before);
  });
});

describe("a flow in German, every text from the German table", () => {
  it("paste mode: label, live region, form, Cancel, then the cancelled error by its code", async () => {
    recordOpenedWindows();
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} mode="paste" />, { messages: de });
    expect(mainButton()).toHaveAccessibleName(de.connect);
    fireEvent.click(mainButton());
    await waitFor(() => expect(statusRegion()).toHaveTextContent(de["awaiting-paste"]));
    expect(screen.getByLabelText(de.pasteLabel)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: de.submitCode })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: de.openConsentPage })).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: de.cancel }));
    expect(statusRegion()).toHaveTextContent(de.cancelled);
    // The developer's detail stays English, on the error.
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "cancelled", message: "Connecting was cancelled." });
  });

  it.each([
    ["conflict", () => emulator.faults.failNext("code", { status: 409 }), { limit: 5 }],
    ["server_error", () => emulator.faults.failNext("exchange", { status: 500 }), { limit: 5 }],
    ["invalid_request", () => {}, { limit: -1 }],
  ] as const)("shows %s in German, by its code", async (code, inject, mint) => {
    inject();
    const onError = vi.fn();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} onError={onError} mint={mint} messages={de} />);
    fireEvent.click(mainButton());
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(onError.mock.calls[0]?.[0].code).toBe(code);
    expect(statusRegion()).toHaveTextContent(de[code]);
    expect(mainButton()).toHaveAttribute("data-state", "error");
  });

  it("the popup's placeholder (title and text) comes from the provider's table", async () => {
    const opened = recordOpenedWindows();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} />, { messages: { ...de, windowTitle: "OpenRouter – Anmeldung" } });
    fireEvent.click(mainButton());
    await waitFor(() => expect(opened[0]?.url).toBeDefined());
    expect(opened[0]).toMatchObject({ title: "OpenRouter – Anmeldung", text: de.opening });
    expect(statusRegion()).toHaveTextContent(de["awaiting-popup"]);
  });

  it("Disconnect, the forgotten notice and the revoke link", () => {
    sessionStorage.setItem("openrouter-connect:key", "sk-or-v1-" + "a".repeat(64));
    renderWith(emulator, <ConnectButton onKey={vi.fn()} persist messages={de} />);
    expect(mainButton()).toHaveAccessibleName(de.connectedLabel);
    fireEvent.click(screen.getByRole("button", { name: de.disconnect }));
    expect(statusRegion()).toHaveTextContent(de.forgotten);
    expect(screen.getByRole("link", { name: de.revoke })).toBeInTheDocument();
  });
});

describe("the balance, formatted for the reader", () => {
  /** Mints a key with a $7.25 limit and keeps it, so a persisted button shows its balance. */
  async function keepKeyWithBalance(): Promise<void> {
    const onKey = vi.fn();
    const view = renderWith(emulator, <ConnectButton onKey={onKey} mint={{ limit: 7.25 }} persist />);
    fireEvent.click(mainButton());
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    view.unmount();
  }

  it.each([
    ["the button's locale over the provider's", "de-DE", "fr-FR", undefined, "Verbunden · 7,25\u00a0$ verfügbar"],
    ["the provider's locale", undefined, "fr-FR", undefined, "Verbunden · 7,25\u00a0$US verfügbar"],
    ["an invalid locale skipped for the provider's", "not a tag!", "de-DE", undefined, "Verbunden · 7,25\u00a0$ verfügbar"],
    ["the browser's language without either", undefined, undefined, "pt-BR", "Verbunden · US$\u00a07,25 verfügbar"],
    ["en-US when nothing usable is given", "??", "!!", "", "Verbunden · $7.25 verfügbar"],
  ])("%s", async (_, locale, providerLocale, browser, label) => {
    if (browser !== undefined) vi.spyOn(navigator, "language", "get").mockReturnValue(browser);
    await keepKeyWithBalance();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} persist showBalance locale={locale} />, { messages: de, locale: providerLocale });
    await waitFor(() => expect(mainButton()).toHaveAccessibleName(label));
  });

  it("fills {balance} in a translation wherever it stands", async () => {
    await keepKeyWithBalance();
    renderWith(emulator, <ConnectButton onKey={vi.fn()} persist showBalance locale="fr-FR" messages={fr} />);
    await waitFor(() => expect(mainButton()).toHaveAccessibleName("Connecté · 7,25\u00a0$US restants"));
  });
});

describe("AuthCallback", () => {
  it("words what happened from its messages, over the provider's", async () => {
    window.history.replaceState(null, "", "/callback?code=not-ours");
    const onError = vi.fn();
    renderWith(emulator, <AuthCallback onError={onError} messages={{ no_pending_flow: "Nicht von uns." }} />, { messages: de });
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(screen.getByRole("status")).toHaveTextContent("Nicht von uns.");
    expect(screen.getByRole("status")).toHaveAttribute("data-state", "error");
  });

  it("takes the provider's table without its own", async () => {
    window.history.replaceState(null, "", "/callback?error=access_denied");
    sessionStorage.setItem(
      "openrouter-connect:redirect",
      JSON.stringify({ attemptId: "a1", codeVerifier: "v".repeat(43), codeChallengeMethod: "S256", callbackUrl: "http://localhost:3000/callback", expiresAt: Date.now() + 60_000 }),
    );
    renderWith(emulator, <AuthCallback />, { messages: de });
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent(de.access_denied));
    await act(async () => {});
  });
});

describe("providers inside providers", () => {
  it("an inner provider (another client, say) keeps the outer one's language, key by key under its own", () => {
    renderWith(
      emulator,
      <OpenRouterAuthProvider baseUrl={emulator.apiBaseUrl} messages={{ connect: "Inner connect", cancel: "" }}>
        <ConnectButton onKey={vi.fn()} showBalance />
        <Probe />
      </OpenRouterAuthProvider>,
      { messages: de, locale: "de-DE" },
    );
    expect(mainButton()).toHaveAccessibleName("Inner connect");
    expect(screen.getByTestId("probe")).toHaveTextContent(JSON.stringify([de.cancel, de.disconnect, "de-DE"]));
  });
});

function Probe() {
  const t = useConnectMessages();
  return <output data-testid="probe">{JSON.stringify([t.cancel, t.disconnect, useReaderLocale()])}</output>;
}
