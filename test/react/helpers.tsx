import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";
import { StrictMode, type ReactElement, type ReactNode } from "react";
import { OpenRouterAuthProvider, type ConnectMessages } from "../../src/index.js";
import { resetCallbackState } from "../../src/core/flow/callback.js";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";

export async function startEmulator(options: Parameters<typeof startOpenRouterEmulator>[0] = {}): Promise<RunningOpenRouterEmulator> {
  return startOpenRouterEmulator({ port: 0, ...options });
}

/**
 * One emulator for the file, reset before each test together with everything a flow leaves in the
 * page (URL, storage, the consumed callback). Returns a proxy: read it inside tests.
 */
export function freshEmulatorPerTest(): RunningOpenRouterEmulator {
  let emulator: RunningOpenRouterEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator?.close());
  beforeEach(() => {
    emulator?.reset();
    resetCallbackState();
    sessionStorage.clear();
    localStorage.clear();
    window.history.replaceState(null, "", "/");
  });
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });
  return new Proxy({} as RunningOpenRouterEmulator, {
    get: (_target, name) => Reflect.get(emulator as RunningOpenRouterEmulator, name),
  });
}

export function Providers({
  emulator,
  apiKey,
  children,
  queryClient,
  messages,
  locale,
}: {
  emulator: RunningOpenRouterEmulator;
  apiKey?: string | null;
  children: ReactNode;
  queryClient?: QueryClient;
  /** The provider's texts and locale. */
  messages?: Partial<ConnectMessages>;
  locale?: string;
}) {
  const client = queryClient ?? new QueryClient();
  return (
    <QueryClientProvider client={client}>
      <OpenRouterAuthProvider
        baseUrl={emulator.apiBaseUrl}
        authUrl={emulator.authUrl}
        apiKey={apiKey === null ? undefined : (apiKey ?? emulator.apiKey)}
        messages={messages}
        locale={locale}
      >
        {children}
      </OpenRouterAuthProvider>
    </QueryClientProvider>
  );
}

export function renderWith(
  emulator: RunningOpenRouterEmulator,
  ui: ReactElement,
  {
    strict = false,
    apiKey,
    queryClient,
    messages,
    locale,
  }: { strict?: boolean; apiKey?: string | null; queryClient?: QueryClient; messages?: Partial<ConnectMessages>; locale?: string } = {},
) {
  const wrap = (node: ReactElement) => {
    const tree = (
      <Providers emulator={emulator} apiKey={apiKey} queryClient={queryClient} messages={messages} locale={locale}>
        {node}
      </Providers>
    );
    return strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
  const result = render(wrap(ui));
  return { ...result, rerenderWith: (node: ReactElement) => result.rerender(wrap(node)) };
}

/** Submits the emulator's consent form like a browser would; returns the redirect target. */
export async function decideConsent(consentUrl: string, decision: "approve" | "deny"): Promise<URL> {
  const url = new URL(consentUrl);
  const form = new URLSearchParams(url.searchParams);
  form.set("decision", decision);
  const response = await fetch(url.origin + url.pathname, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  if (response.status !== 303) throw new Error(`consent answered ${response.status}: ${await response.text()}`);
  return new URL(response.headers.get("Location") as string);
}

/** Everything in both storages, as one string to search for secrets. */
export function dumpStorage(): string {
  const dump: string[] = [];
  for (const storage of [window.sessionStorage, window.localStorage]) {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i) as string;
      dump.push(`${key}=${storage.getItem(key)}`);
    }
  }
  return dump.join("\n");
}
