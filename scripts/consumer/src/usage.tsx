// Type-checked only (never bundled): the React entry used the way the README shows,
// with the types a TypeScript user writes. Every export of every entry is also
// imported by the generated src/all-exports.ts.
import { QueryClient, QueryClientProvider, useMutation, useQuery } from "@tanstack/react-query";
import { useRef, type ReactNode } from "react";
import {
  AuthCallback,
  ConnectButton,
  OpenRouterAuthError,
  OpenRouterAuthProvider,
  OpenRouterIcon,
  buildAuthorizationUrl,
  connectButtonCss,
  createAuthCodeMutationOptions,
  createOpenRouterAuthClient,
  exchangeAuthCodeMutationOptions,
  isOpenRouterAuthError,
  keyInfoQueryOptions,
  openRouterConnectKeys,
  useAuthCallback,
  useCreateAuthCode,
  useExchangeAuthCode,
  useOpenRouterAuthConfig,
  useOpenRouterConnect,
  useOpenRouterKey,
  useOpenRouterKeyInfo,
  type ConnectButtonProps,
  type ConnectStatus,
  type ExchangeAuthCodeResponse,
  type MintOptions,
  type OpenRouterAuthErrorCode,
  type OpenRouterKeyInfo,
  type UseOpenRouterConnectResult,
} from "openrouter-connect";

const client = createOpenRouterAuthClient({ baseUrl: "http://127.0.0.1:8787/api/v1", appTitle: "My app" });
const queryClient = new QueryClient();
const mint: MintOptions = { limit: 5, usageLimitType: "monthly", expiresAt: new Date("2030-01-01T00:00:00Z"), keyLabel: "Laptop" };

export function Providers({ children }: { children: ReactNode }) {
  return (
    <QueryClientProvider client={queryClient}>
      <OpenRouterAuthProvider authUrl="http://127.0.0.1:8787/auth" baseUrl="http://127.0.0.1:8787/api/v1" mintUrl="/api/mint">
        {children}
      </OpenRouterAuthProvider>
    </QueryClientProvider>
  );
}

export function Buttons() {
  const ref = useRef<HTMLButtonElement>(null);
  const onKey = (result: ExchangeAuthCodeResponse) => void result.key.toUpperCase();
  const onError = (error: OpenRouterAuthError) => {
    const code: OpenRouterAuthErrorCode = error.code;
    if (error.retryable) console.log(code, error.status, error.issues?.[0]?.path);
  };
  const props: ConnectButtonProps = { onKey, onError, mode: "redirect", limit: 10, size: "lg", theme: "dark" };
  return (
    <>
      <ConnectButton ref={ref} {...props} />
      <ConnectButton onKey={onKey} mint={mint} persist="session" showBalance icon={<OpenRouterIcon />} className="x" aria-label="Connect">
        Get a key
      </ConnectButton>
      <ConnectButton onKey={onKey} mode="paste" keyLabel="CLI" unstyled icon={null} onStatusChange={(s: ConnectStatus) => void s} />
      <AuthCallback onKey={onKey} className="callback" />
      <style>{connectButtonCss}</style>
    </>
  );
}

export function Hooks() {
  const connect: UseOpenRouterConnectResult = useOpenRouterConnect({ mode: "popup", onKey: (r) => void r.userId });
  const stored = useOpenRouterKey({ storage: "local" });
  const info = useOpenRouterKeyInfo(stored.key, { staleTime: 1000 });
  const remaining: number | null | undefined = info.data?.limitRemaining;
  const create = useCreateAuthCode({ onSuccess: (data) => void data.data.id });
  const exchange = useExchangeAuthCode();
  const callback = useAuthCallback({ timeoutMs: 60_000 });
  const { client: configured, authUrl } = useOpenRouterAuthConfig();
  const manual = useMutation(exchangeAuthCodeMutationOptions(configured));
  const minted = useMutation(createAuthCodeMutationOptions(configured));
  const query = useQuery(keyInfoQueryOptions(configured, stored.key));
  const key: readonly unknown[] = openRouterConnectKeys.keyInfo("hash");
  const info2: OpenRouterKeyInfo | undefined = query.data;
  return (
    <button
      type="button"
      onClick={() => {
        void connect.connect({ mode: "redirect" });
        create.mutate({ callbackUrl: "https://app.example/cb", limit: 1 });
        exchange.mutate({ code: "c" });
        manual.mutate({ code: "c", codeVerifier: "v".repeat(43), codeChallengeMethod: "S256" });
        minted.reset();
        stored.setKey("sk-or-v1-x");
        console.log(remaining, callback.status, authUrl, key, info2?.usage, isOpenRouterAuthError(connect.error));
        console.log(buildAuthorizationUrl({ callbackUrl: "https://app.example/cb", codeChallenge: "c".repeat(43), codeChallengeMethod: "S256" }));
        void client.getKeyInfo("sk-or-v1-x");
      }}
    >
      {connect.status}
    </button>
  );
}
