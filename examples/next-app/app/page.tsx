import { keysUrlFor, type ServerExchangeResponse } from "openrouter-connect";
import { storedKeyHint } from "@/lib/key-store";
import { openRouter } from "@/lib/openrouter";
import { currentUserId } from "@/lib/session";
import { Connect } from "./connect";

// A Server Component: it reads the session and what the server stored, on the server. Only
// ./connect.tsx (the buttons) runs in the browser. This page is also the flows' callback page.
export default async function Home() {
  const stored = storedKeyHint(await currentUserId());
  return (
    <main>
      <h1>Connect OpenRouter</h1>
      <p>
        Each user gets an OpenRouter API key of their own, from{" "}
        {openRouter.emulator ? "the local OpenRouter emulator" : "OpenRouter"} at <code>{openRouter.authUrl}</code>. Revoke keys
        on the <a href={keysUrlFor(openRouter.authUrl)}>keys page</a>.
      </p>
      <Connect authUrl={openRouter.authUrl} baseUrl={openRouter.baseUrl} stored={<StoredKey stored={stored} />} />
    </main>
  );
}

function StoredKey({ stored }: { stored: ServerExchangeResponse | undefined }) {
  if (!stored) return <p>No key stored on the server for this session.</p>;
  return (
    <p>
      Stored on the server for this session: <code>{stored.keyHint}</code>
    </p>
  );
}
