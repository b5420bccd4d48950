"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { ConnectButton, maskKey, OpenRouterAuthProvider, useAuthCallback, type ExchangeAuthCodeResponse } from "openrouter-connect";

interface ConnectProps {
  /** OpenRouter's consent page and API, from the server's environment (the emulator by default). */
  authUrl: string;
  baseUrl: string;
  /** What the server stored for this session, rendered by the page (a Server Component). */
  stored: ReactNode;
}

export function Connect({ authUrl, baseUrl, stored }: ConnectProps) {
  const [queryClient] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <OpenRouterAuthProvider authUrl={authUrl} baseUrl={baseUrl} mintUrl="/api/openrouter/mint">
        <Flows stored={stored} />
      </OpenRouterAuthProvider>
    </QueryClientProvider>
  );
}

type Flow = "popup" | "redirect" | "minted";

function Flows({ stored }: { stored: ReactNode }) {
  const router = useRouter();
  // This page is the callback too: in the popup it hands the code to the page that opened it.
  const { relayed } = useAuthCallback();
  const [hints, setHints] = useState<Partial<Record<Flow, string>>>({});
  // Here the browser gets the key: a real app uses it or keeps it; this page shows its hint only.
  const onKey = (flow: Flow) => ({ key }: ExchangeAuthCodeResponse) => setHints((all) => ({ ...all, [flow]: maskKey(key) }));

  if (relayed) return <p>Approved. This window closes by itself.</p>;
  return (
    <>
      <Section id="popup" title="Popup" hint={hints.popup}>
        <ConnectButton onKey={onKey("popup")} />
      </Section>
      <Section id="redirect" title="Redirect" hint={hints.redirect}>
        <ConnectButton mode="redirect" onKey={onKey("redirect")}>
          Connect in this tab
        </ConnectButton>
      </Section>
      <Section id="minted" title="Minted by this app's server" hint={hints.minted}>
        <ConnectButton mint={{ limit: 1, usageLimitType: "monthly" }} onKey={onKey("minted")}>
          Get a $1 monthly key
        </ConnectButton>
      </Section>
      <section aria-labelledby="server-heading">
        <h2 id="server-heading">Key stays on the server</h2>
        {/* The server exchanges the code and keeps the key; refresh() re-renders the page with what it stored. */}
        <ConnectButton exchangeUrl="/api/openrouter/exchange" onConnected={() => router.refresh()}>
          Connect, key on the server
        </ConnectButton>
        {stored}
      </section>
    </>
  );
}

function Section({ id, title, hint, children }: { id: Flow; title: string; hint: string | undefined; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {children}
      <p>{hint ? <>Key in this browser: <code>{hint}</code></> : "No key yet."}</p>
    </section>
  );
}
