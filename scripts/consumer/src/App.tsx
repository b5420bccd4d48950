// The page the consumer check bundles with Vite and drives in Chromium: a ConnectButton in the
// default popup mode; the key's length and last four characters appear once onKey has it.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { ConnectButton, OpenRouterAuthProvider, type ExchangeAuthCodeResponse, type OpenRouterAuthError } from "openrouter-connect";

declare global {
  interface Window {
    __CONSUMER__?: { authUrl: string; baseUrl: string };
  }
}

const queryClient = new QueryClient();

export function App() {
  const config = typeof window === "undefined" ? undefined : window.__CONSUMER__;
  const [result, setResult] = useState<ExchangeAuthCodeResponse | null>(null);
  const [error, setError] = useState("");
  return (
    <QueryClientProvider client={queryClient}>
      <OpenRouterAuthProvider authUrl={config?.authUrl} baseUrl={config?.baseUrl} appTitle="Consumer check">
        <main>
          <ConnectButton onKey={setResult} onError={(e: OpenRouterAuthError) => setError(`${e.code}: ${e.message}`)} />
          <p data-testid="key">{result ? `${result.key.length}:${result.key.slice(-4)}` : ""}</p>
          <p data-testid="error">{error}</p>
        </main>
      </OpenRouterAuthProvider>
    </QueryClientProvider>
  );
}
