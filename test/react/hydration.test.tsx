// @vitest-environment jsdom
// The balance is formatted for the browser's language, yet the server (which knows no reader) and
// hydration render the same: React warns on any mismatch, and these tests fail on any warning.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, fireEvent, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { hydrateRoot, type Root } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConnectButton, formatBalance, OpenRouterAuthProvider, useReaderLocale } from "../../src/index.js";
import { de } from "../../src/locales/index.js";
import { freshEmulatorPerTest, renderWith } from "./helpers.js";

const emulator = freshEmulatorPerTest();
let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  document.body.replaceChildren();
});

/** Renders `ui` to HTML as a server would, then hydrates it here; returns every hydration complaint. */
async function serverThenHydrate(ui: () => ReactNode): Promise<{ container: HTMLElement; complaints: string[] }> {
  const container = document.createElement("div");
  // What the server sends: rendered without the browser's language.
  const language = vi.spyOn(navigator, "language", "get").mockReturnValue("en-US");
  container.innerHTML = renderToString(ui());
  language.mockReturnValue("de-DE"); // the reader's browser
  document.body.append(container);
  const complaints: string[] = [];
  const error = vi.spyOn(console, "error").mockImplementation((...args) => void complaints.push(args.map(String).join(" ")));
  await act(async () => {
    root = hydrateRoot(container, ui(), { onRecoverableError: (e) => void complaints.push(String(e)) });
  });
  error.mockRestore();
  return { container, complaints };
}

function Balance({ naive = false }: { naive?: boolean }) {
  const reader = useReaderLocale();
  // The naive way reads the browser during render: the server can't, so the two disagree.
  const locale = naive ? (typeof window === "undefined" ? "en-US" : navigator.language) : reader;
  return <output>{formatBalance(7.25, locale)}</output>;
}

const tree = (children: ReactNode) => (
  <QueryClientProvider client={new QueryClient()}>
    <OpenRouterAuthProvider baseUrl={emulator.apiBaseUrl} authUrl={emulator.authUrl}>
      {children}
    </OpenRouterAuthProvider>
  </QueryClientProvider>
);

describe("the browser's language, after hydration", () => {
  it("hydrates without a mismatch, then formats for the browser's language", async () => {
    const { container, complaints } = await serverThenHydrate(() => tree(<Balance />));
    expect(complaints).toEqual([]);
    expect(container.querySelector("output")?.textContent).toBe("7,25\u00a0$");
  });

  it("(the check can fail) reading navigator.language during render is a mismatch React reports", async () => {
    const { complaints } = await serverThenHydrate(() => tree(<Balance naive />));
    expect(complaints.join("\n")).toMatch(/hydrat|did not match/i);
  });

  it("ConnectButton: a kept key's balance in German after hydrating a server render, no warning", async () => {
    const onKey = vi.fn();
    const mint = renderWith(emulator, <ConnectButton onKey={onKey} mint={{ limit: 7.25 }} persist />);
    fireEvent.click(document.querySelector(".orc-button") as HTMLElement);
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    mint.unmount();

    const { container, complaints } = await serverThenHydrate(() => tree(<ConnectButton onKey={() => {}} persist showBalance messages={de} />));
    expect(complaints).toEqual([]);
    const button = container.querySelector(".orc-button") as HTMLElement;
    await waitFor(() => expect(button).toHaveAccessibleName("Verbunden · 7,25\u00a0$ verfügbar"));
  });
});
