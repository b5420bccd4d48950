// @vitest-environment jsdom
// Nothing secret in reach of page scripts (issue 12, the browser half):
// - react-query's MutationCache holds no key, code or verifier once a flow settles, in every flow
//   and both exchange modes, and its global callbacks never see them;
// - with an exchange route (`exchangeUrl`), the key never enters the page: not in a callback, the
//   DOM, storage or the cache. The route here is a stand-in that follows the contract of
//   `createExchangeHandler` (camelCase body in, `{ userId, keyHint }` out) and exchanges with the
//   real emulator over HTTP.
import { MutationCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, fireEvent, render, renderHook, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import {
  AuthCallback,
  ConnectButton,
  createOpenRouterAuthClient,
  createPkcePair,
  maskKey,
  OpenRouterAuthProvider,
  useExchangeAuthCode,
  useOpenRouterConnect,
  type ExchangeAuthCodeRequest,
} from "../../src/index.js";
import { decideConsent, dumpStorage, freshEmulatorPerTest, Providers } from "./helpers.js";

const emulator = freshEmulatorPerTest();
const EXCHANGE_ROUTE = "/api/openrouter/exchange";

/** Your server's exchange route, as `createExchangeHandler` answers: keeps the key, hands back its hint. */
function exchangeRoute() {
  const kept: Array<{ key: string; userId: string | null }> = [];
  const handle = async (request: Request): Promise<Response> => {
    const body = (await request.json()) as ExchangeAuthCodeRequest;
    const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl });
    try {
      const { key, userId } = await client.exchangeAuthCode(body);
      kept.push({ key, userId });
      return Response.json({ userId, keyHint: maskKey(key) });
    } catch (error) {
      const status = (error as { status?: number }).status ?? 502;
      return Response.json({ error: { code: status, message: (error as Error).message.replace(/^OpenRouter answered \d+: /, "") } }, { status });
    }
  };
  // The page's fetch: the route on this site goes to the stand-in, everything else to the network.
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    return url === new URL(EXCHANGE_ROUTE, window.location.href).href ? handle(new Request(url, init)) : globalThis.fetch(input, init);
  }) as typeof globalThis.fetch;
  return { kept, fetch };
}

/** A QueryClient whose global MutationCache callbacks record every argument they get. */
function watchedQueryClient() {
  const seen: unknown[] = [];
  const record = (...args: unknown[]) => void seen.push(args.map((arg) => (arg && typeof arg === "object" && "state" in arg ? (arg as { state: unknown }).state : arg)));
  const queryClient = new QueryClient({ mutationCache: new MutationCache({ onMutate: record, onSuccess: record, onError: record, onSettled: record }) });
  return { queryClient, seen };
}

function Wrapper({ queryClient, exchangeUrl, fetch, children }: { queryClient: QueryClient; exchangeUrl?: string; fetch?: typeof globalThis.fetch; children: ReactNode }) {
  return (
    <QueryClientProvider client={queryClient}>
      <OpenRouterAuthProvider baseUrl={emulator.apiBaseUrl} authUrl={emulator.authUrl} apiKey={emulator.apiKey} exchangeUrl={exchangeUrl} fetch={fetch}>
        {children}
      </OpenRouterAuthProvider>
    </QueryClientProvider>
  );
}

/** After a flow: no mutation left, and no secret in anything the cache or its callbacks ever held. */
function expectCacheHoldsNoSecret(queryClient: QueryClient, seen: unknown[], secrets: Array<string | null | undefined>) {
  expect(queryClient.getMutationCache().getAll()).toEqual([]);
  const dump = JSON.stringify(seen);
  for (const secret of secrets) {
    expect(secret).toBeTruthy();
    expect(dump).not.toContain(secret as string);
  }
}

type Mode = "browser" | "server";
const MODES: Mode[] = ["browser", "server"];

function setup(mode: Mode) {
  const watched = watchedQueryClient();
  const route = exchangeRoute();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <Wrapper queryClient={watched.queryClient} exchangeUrl={mode === "server" ? EXCHANGE_ROUTE : undefined} fetch={route.fetch}>
      {children}
    </Wrapper>
  );
  return { ...watched, route, wrapper };
}

/** The key the flow produced: the emulator's record, and where it went. */
function issuedKey(): string {
  return emulator.exchanges().find((e) => e.outcome === "ok")?.key as string;
}

function expectKeyWhereItBelongs(mode: Mode, route: ReturnType<typeof exchangeRoute>, onKey: ReturnType<typeof vi.fn>, onConnected: ReturnType<typeof vi.fn>) {
  const key = issuedKey();
  expect(onConnected).toHaveBeenCalledTimes(1);
  if (mode === "server") {
    expect(route.kept).toEqual([{ key, userId: "user_emulator" }]);
    expect(onKey).not.toHaveBeenCalled();
    expect(onConnected).toHaveBeenCalledWith({ userId: "user_emulator", keyHint: maskKey(key) });
    expect(document.body.innerHTML).not.toContain(key);
    expect(dumpStorage()).not.toContain(key);
  } else {
    expect(route.kept).toEqual([]);
    expect(onKey).toHaveBeenCalledWith({ key, userId: "user_emulator" });
    expect(onConnected).toHaveBeenCalledWith({ key, userId: "user_emulator", keyHint: maskKey(key) });
  }
}

describe.each(MODES)("exchanging in the %s: the mutation cache keeps nothing", (mode) => {
  it("minted", async () => {
    const { queryClient, seen, route, wrapper } = setup(mode);
    const onKey = vi.fn();
    const onConnected = vi.fn();
    const { result } = renderHook(() => useOpenRouterConnect({ mint: { limit: 1 }, onKey, onConnected }), { wrapper });
    await act(() => result.current.connect());
    expect(result.current.status).toBe("connected");
    expectKeyWhereItBelongs(mode, route, onKey, onConnected);
    const code = emulator.codesIssued()[0]?.code;
    expectCacheHoldsNoSecret(queryClient, seen, [issuedKey(), code, emulator.exchanges()[0]?.code]);
    expect(seen.length).toBeGreaterThan(0); // the callbacks did run: the mutations went through the cache
  });

  it("popup", async () => {
    const { queryClient, seen, route, wrapper } = setup(mode);
    let navigatedTo: string | undefined;
    const popup = {
      closed: false,
      location: {
        replace: (url: string) => void (navigatedTo = url),
        get href(): string {
          throw new DOMException("cross-origin", "SecurityError");
        },
      },
      document: { title: "", body: { textContent: "" } },
      close() {},
      focus() {},
    };
    vi.spyOn(window, "open").mockReturnValue(popup as unknown as Window);
    const onKey = vi.fn();
    const onConnected = vi.fn();
    const { result } = renderHook(() => useOpenRouterConnect({ onKey, onConnected }), { wrapper });
    act(() => void result.current.connect());
    await waitFor(() => expect(navigatedTo).toBeDefined());
    const code = (await decideConsent(navigatedTo as string, "approve")).searchParams.get("code") as string;
    const attemptId = JSON.parse(sessionStorage.getItem("openrouter-connect:popup") as string).attemptId;
    act(() => {
      window.dispatchEvent(new MessageEvent("message", { origin: window.location.origin, source: popup as never, data: { type: "openrouter-connect:callback", attemptId, code } }));
    });
    await waitFor(() => expect(result.current.status).toBe("connected"));
    expectKeyWhereItBelongs(mode, route, onKey, onConnected);
    expectCacheHoldsNoSecret(queryClient, seen, [issuedKey(), code]);
  });

  it("paste", async () => {
    const { queryClient, seen, route, wrapper } = setup(mode);
    vi.spyOn(window, "open").mockReturnValue(null);
    const onKey = vi.fn();
    const onConnected = vi.fn();
    const { result } = renderHook(() => useOpenRouterConnect({ mode: "paste", onKey, onConnected }), { wrapper });
    act(() => void result.current.connect());
    await waitFor(() => expect(result.current.pasteUrl).toBeDefined());
    const consent = new URL(result.current.pasteUrl as string);
    const form = new URLSearchParams(consent.searchParams);
    form.set("decision", "approve");
    await fetch(consent.origin + consent.pathname, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form.toString() });
    const code = emulator.codesIssued()[0]?.code as string;
    await act(() => result.current.submitCode(code));
    await waitFor(() => expect(result.current.status).toBe("connected"));
    expectKeyWhereItBelongs(mode, route, onKey, onConnected);
    expectCacheHoldsNoSecret(queryClient, seen, [issuedKey(), code]);
  });

  it("redirect return, finished by AuthCallback on its route", async () => {
    const { queryClient, seen, route } = setup(mode);
    const pair = await createPkcePair();
    const consent = new URL(emulator.authUrl);
    consent.searchParams.set("callback_url", "http://localhost:3000/callback");
    consent.searchParams.set("code_challenge", pair.codeChallenge);
    consent.searchParams.set("code_challenge_method", "S256");
    const code = (await decideConsent(consent.toString(), "approve")).searchParams.get("code") as string;
    sessionStorage.setItem(
      "openrouter-connect:redirect",
      JSON.stringify({ attemptId: "a", codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256", callbackUrl: "http://localhost:3000/callback", expiresAt: Date.now() + 60_000 }),
    );
    window.history.replaceState(null, "", `/callback?code=${code}`);
    const onKey = vi.fn();
    const onConnected = vi.fn();
    render(
      <Wrapper queryClient={queryClient} exchangeUrl={mode === "server" ? EXCHANGE_ROUTE : undefined} fetch={route.fetch}>
        <AuthCallback onKey={onKey} onConnected={onConnected} />
      </Wrapper>,
    );
    await waitFor(() => expect(onConnected).toHaveBeenCalledTimes(1));
    expect(screen.getByRole("status")).toHaveTextContent("Connected to OpenRouter.");
    expectKeyWhereItBelongs(mode, route, onKey, onConnected);
    expectCacheHoldsNoSecret(queryClient, seen, [issuedKey(), code, pair.codeVerifier]);
  });
});

describe("the button with an exchange route", () => {
  it("needs no callback: shows Connected without a balance, keeps nothing here even with persist, offers no Disconnect", async () => {
    const { queryClient, route } = setup("server");
    render(
      <Wrapper queryClient={queryClient} fetch={route.fetch}>
        <ConnectButton exchangeUrl={EXCHANGE_ROUTE} mint={{ limit: 3 }} persist showBalance />
      </Wrapper>,
    );
    const button = screen.getByRole("button", { name: "Connect OpenRouter" });
    fireEvent.click(button);
    await waitFor(() => expect(button).toHaveAttribute("data-state", "connected"));
    expect(button).toHaveAccessibleName("Connected");
    expect(route.kept).toHaveLength(1);
    expect(screen.queryByRole("button", { name: "Disconnect" })).toBeNull();
    expect(dumpStorage()).toBe("");
    expect(emulator.app.requests().filter((r) => r.route === "key")).toEqual([]); // no balance asked: the page has no key to ask with
    expect(document.body.innerHTML).not.toContain(route.kept[0]?.key);
  });

  it("a provider's exchangeUrl with a button-level one: the button's wins", async () => {
    const { queryClient, route } = setup("server");
    const onConnected = vi.fn();
    render(
      <Wrapper queryClient={queryClient} exchangeUrl="/api/never-called" fetch={route.fetch}>
        <ConnectButton exchangeUrl={EXCHANGE_ROUTE} onConnected={onConnected} mint={{}} />
      </Wrapper>,
    );
    fireEvent.click(screen.getByRole("button", { name: "Connect OpenRouter" }));
    await waitFor(() => expect(onConnected).toHaveBeenCalledTimes(1));
    expect(route.kept).toHaveLength(1);
  });
});

describe("the typed mutations", () => {
  it("useExchangeAuthCode keeps its key only while it is observed (gcTime 0)", async () => {
    const { queryClient } = setup("browser");
    const pair = await createPkcePair();
    const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
    const { data } = await client.createAuthCode({ callbackUrl: "https://app.example/cb", codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <Providers emulator={emulator} queryClient={queryClient}>
        {children}
      </Providers>
    );
    const view = renderHook(() => useExchangeAuthCode(), { wrapper });
    const result = await act(() => view.result.current.mutateAsync({ code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" }));
    await waitFor(() => expect(view.result.current.data).toEqual(result));
    expect(queryClient.getMutationCache().getAll()).toHaveLength(1);
    view.unmount();
    await waitFor(() => expect(queryClient.getMutationCache().getAll()).toEqual([]));
  });
});
