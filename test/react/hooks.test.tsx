// @vitest-environment jsdom
import { QueryClient } from "@tanstack/react-query";
import { act, renderHook, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import {
  AuthCallback,
  createPkcePair,
  keyInfoQueryOptions,
  openRouterConnectKeys,
  useCreateAuthCode,
  useExchangeAuthCode,
  useOpenRouterConnect,
  useOpenRouterKey,
  useOpenRouterKeyInfo,
  createOpenRouterAuthClient,
} from "../../src/index.js";
import { decideConsent, Providers, renderWith, freshEmulatorPerTest } from "./helpers.js";

const emulator = freshEmulatorPerTest();

function wrapper(queryClient = new QueryClient()) {
  return ({ children }: { children: ReactNode }) => (
    <Providers emulator={emulator} queryClient={queryClient}>
      {children}
    </Providers>
  );
}

describe("useCreateAuthCode", () => {
  it("creates a code: typed response, stable key under openrouter-connect", async () => {
    const queryClient = new QueryClient();
    const { result } = renderHook(() => useCreateAuthCode(), { wrapper: wrapper(queryClient) });
    const pair = await createPkcePair();
    await act(() =>
      result.current.mutateAsync({ callbackUrl: "https://app.example/cb", codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256", limit: 2 }),
    );
    await waitFor(() => expect(result.current.data?.data.id).toBe(emulator.codesIssued()[0]?.code));
    expect(result.current.data?.data.appId).toEqual(expect.any(Number));
    const [mutation] = queryClient.getMutationCache().getAll();
    expect(mutation?.options.mutationKey).toEqual(["openrouter-connect", "create-auth-code"]);
  });

  it("fails invalid input with invalid_request and sends nothing", async () => {
    const { result } = renderHook(() => useCreateAuthCode(), { wrapper: wrapper() });
    act(() => result.current.mutate({ callbackUrl: "javascript:alert(1)" }));
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toMatchObject({ code: "invalid_request", issues: [{ path: ["callbackUrl"] }] });
    expect(emulator.app.requests()).toHaveLength(0);
  });

  it("is never retried, even if the caller asks", async () => {
    emulator.faults.failNext("code", { status: 500, count: 3 });
    const { result } = renderHook(() => useCreateAuthCode({ retry: 3 } as never), { wrapper: wrapper() });
    act(() => result.current.mutate({ callbackUrl: "https://app.example/cb" }));
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error?.code).toBe("server_error");
    expect(emulator.app.requests().filter((r) => r.route === "code")).toHaveLength(1);
  });
});

describe("useExchangeAuthCode", () => {
  it("sends a code once however often it is mutated", async () => {
    const pair = await createPkcePair();
    const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
    const { data } = await client.createAuthCode({ callbackUrl: "https://app.example/cb", codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    const { result } = renderHook(() => [useExchangeAuthCode(), useExchangeAuthCode()] as const, { wrapper: wrapper() });
    const variables = { code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" as const };
    const [a, b] = await act(() => Promise.all([result.current[0].mutateAsync(variables), result.current[1].mutateAsync(variables)]));
    expect(a.key).toMatch(/^sk-or-v1-[0-9a-f]{64}$/);
    expect(b).toEqual(a);
    expect(emulator.exchanges()).toHaveLength(1);
  });
});

describe("useOpenRouterConnect", () => {
  it("runs the paste flow: consent in a new tab, the pasted code trimmed and exchanged once", async () => {
    const tab = { opener: {}, location: { replace: vi.fn() } };
    vi.spyOn(window, "open").mockReturnValue(tab as unknown as Window);
    const onKey = vi.fn();
    const { result } = renderHook(() => useOpenRouterConnect({ mode: "paste", keyLabel: "CLI" , onKey }), { wrapper: wrapper() });
    act(() => void result.current.connect());
    await waitFor(() => expect(result.current.status).toBe("awaiting-approval"));
    expect(tab.opener).toBeNull();
    const consent = new URL(tab.location.replace.mock.calls[0]?.[0]);
    expect(consent.searchParams.has("callback_url")).toBe(false);
    expect(consent.searchParams.get("key_label")).toBe("CLI");
    expect(result.current.pasteUrl).toBe(consent.toString());
    // Approve in headless mode: the emulator shows the code on the page.
    const form = new URLSearchParams(consent.searchParams);
    form.set("decision", "approve");
    const page = await (await fetch(consent.origin + consent.pathname, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form.toString() })).text();
    const code = emulator.codesIssued()[0]?.code as string;
    expect(page).toContain(code);
    await act(() => result.current.submitCode(`  ${code}\n`));
    await act(() => result.current.submitCode(code));
    expect(result.current.status).toBe("connected");
    expect(onKey).toHaveBeenCalledTimes(1);
    expect(emulator.exchanges()).toHaveLength(1);
  });

  it("answers a wrong pasted code with its error code", async () => {
    vi.spyOn(window, "open").mockReturnValue(null);
    const { result } = renderHook(() => useOpenRouterConnect({ mode: "paste" }), { wrapper: wrapper() });
    act(() => void result.current.connect());
    await waitFor(() => expect(result.current.status).toBe("awaiting-approval"));
    await act(() => result.current.submitCode("auth_code_wrong"));
    expect(result.current.error?.code).toBe("invalid_code");
  });
});

describe("useOpenRouterKey", () => {
  it("keeps components and tabs in step", () => {
    const { result } = renderHook(() => [useOpenRouterKey({ storage: "local" }), useOpenRouterKey({ storage: "local" })] as const);
    act(() => result.current[0].setKey("sk-or-v1-abc"));
    expect(result.current[1].key).toBe("sk-or-v1-abc");
    act(() => {
      localStorage.setItem("openrouter-connect:key", "sk-or-v1-other-tab");
      window.dispatchEvent(new StorageEvent("storage", { key: "openrouter-connect:key" }));
    });
    expect(result.current[0].key).toBe("sk-or-v1-other-tab");
    act(() => result.current[1].clear());
    expect(result.current[0].key).toBeNull();
  });
});

describe("useOpenRouterKeyInfo", () => {
  it("reads the key's limit with a query key that never holds the key", async () => {
    const pair = await createPkcePair();
    const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
    const { data } = await client.createAuthCode({ callbackUrl: "https://app.example/cb", codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256", limit: 12.5, keyLabel: "Mine" });
    const { key } = await client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });
    const queryClient = new QueryClient();
    const { result } = renderHook(() => useOpenRouterKeyInfo(key), { wrapper: wrapper(queryClient) });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data).toMatchObject({ label: "Mine", limit: 12.5, limitRemaining: 12.5, usage: 0 });
    const queryKey = keyInfoQueryOptions(client, key).queryKey;
    expect(queryKey.slice(0, 2)).toEqual(openRouterConnectKeys.keyInfo("x").slice(0, 2));
    expect(JSON.stringify(queryClient.getQueryCache().getAll().map((q) => q.queryKey))).not.toContain(key);
  });

  it("is disabled without a key", () => {
    const { result } = renderHook(() => useOpenRouterKeyInfo(null), { wrapper: wrapper() });
    expect(result.current.fetchStatus).toBe("idle");
    expect(emulator.app.requests()).toHaveLength(0);
  });
});

describe("AuthCallback", () => {
  it("finishes a redirect flow on its own route", async () => {
    const pair = await createPkcePair();
    const consent = new URL(emulator.authUrl);
    consent.searchParams.set("callback_url", "http://localhost:3000/callback");
    consent.searchParams.set("code_challenge", pair.codeChallenge);
    const back = await decideConsent(consent.toString() + "&code_challenge_method=S256", "approve");
    sessionStorage.setItem(
      "openrouter-connect:redirect",
      JSON.stringify({ attemptId: "a", codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256", callbackUrl: "http://localhost:3000/callback", expiresAt: Date.now() + 60_000 }),
    );
    window.history.replaceState(null, "", `/callback${back.search}`);
    const onKey = vi.fn();
    renderWith(emulator, <AuthCallback onKey={onKey} />, { strict: true });
    await waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    expect(screen.getByRole("status")).toHaveTextContent("Connected to OpenRouter.");
    expect(window.location.href).toBe("http://localhost:3000/callback");
    expect(emulator.exchanges()).toHaveLength(1);
  });

  it("relays a popup's code to its opener over the channel", async () => {
    sessionStorage.setItem("openrouter-connect:popup", JSON.stringify({ attemptId: "att-1", expiresAt: Date.now() + 60_000, callbackUrl: "http://localhost:3000/" }));
    const channel = new BroadcastChannel("openrouter-connect");
    const received = new Promise<unknown>((resolve) => channel.addEventListener("message", (e) => resolve(e.data), { once: true }));
    vi.spyOn(window, "close").mockImplementation(() => {});
    window.history.replaceState(null, "", "/?code=abc123");
    renderWith(emulator, <AuthCallback />);
    expect(await received).toEqual({ type: "openrouter-connect:callback", attemptId: "att-1", code: "abc123" });
    channel.close();
    expect(screen.getByRole("status")).toHaveTextContent("You can close this window");
    await waitFor(() => expect(window.close).toHaveBeenCalled());
    expect(sessionStorage.length).toBe(0);
    expect(emulator.app.requests()).toHaveLength(0);
  });
});
