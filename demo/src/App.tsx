import { useCallback, useRef, useState, type ReactNode } from "react";
// In your app: from "openrouter-connect"
import {
  ConnectButton,
  useAuthCallback,
  useOpenRouterKey,
  type ConnectStatus,
  type ExchangeAuthCodeResponse,
  type OpenRouterAuthError,
} from "../../src/index.js";
import { config } from "./config.js";
import { KeyResult } from "./KeyResult.js";
import { LANGUAGES, type Language } from "./languages.js";
import { MintForm } from "./MintForm.js";
import { StatusLog, type LogEntry } from "./StatusLog.js";

type Flow = "popup" | "redirect" | "minted" | "paste" | "persisted" | "server";

function Section({ flow, title, children, intro, wide }: { flow: Flow; title: string; intro: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <section className={wide ? "card wide" : "card"} aria-labelledby={`${flow}-heading`} data-testid={`${flow}-section`}>
      <h2 id={`${flow}-heading`}>{title}</h2>
      <p className="hint">{intro}</p>
      {children}
    </section>
  );
}

export interface AppProps {
  /** The language the buttons speak (the page's own texts stay English). */
  language: Language;
  onLanguage: (language: Language) => void;
}

export function App({ language, onLanguage }: AppProps) {
  // The buttons speak the chosen language, in its direction (the page's own texts stay English);
  // each section's own label is English, so it shows only in English.
  const speak = (button: ReactNode) => (
    <div dir={language.dir} lang={language.tag ?? "en"}>
      {button}
    </div>
  );
  const label = (text: string) => (language.id === "en" ? text : undefined);
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const nextId = useRef(0);
  const [keys, setKeys] = useState<Partial<Record<Flow, ExchangeAuthCodeResponse>>>({});
  const [serverKeyHint, setServerKeyHint] = useState<string>();
  // What the server says it stored for this session: the proof that the key went there, masked.
  const showStoredKey = useCallback(async () => {
    if (!config.sessionUrl) return;
    const answer = await fetch(config.sessionUrl, { headers: { Accept: "application/json" } });
    const stored = answer.ok ? ((await answer.json()) as { keyHint?: unknown }) : undefined;
    setServerKeyHint(typeof stored?.keyHint === "string" ? stored.keyHint : undefined);
  }, []);
  const persisted = useOpenRouterKey({ storage: "local" });
  // This page is also the callback: in a popup it hands the code to the opener and closes.
  const { relayed } = useAuthCallback();

  const log = useCallback((flow: string, text: string, tone?: LogEntry["tone"], detail?: string) => {
    setEntries((list) => [{ id: nextId.current++, at: new Date(), flow, text, tone, detail }, ...list].slice(0, 100));
  }, []);

  // The props every ConnectButton below shares: where the key goes and what the log shows.
  const handlers = (flow: Flow) => ({
    onKey: (result: ExchangeAuthCodeResponse) => setKeys((all) => ({ ...all, [flow]: result })),
    onStatusChange: (status: ConnectStatus) => log(flow, status, status === "connected" ? "ok" : undefined),
    // The button shows the user a text by code; the log keeps the developer's detail beside the code.
    onError: (error: OpenRouterAuthError) => log(flow, `error: ${error.code}`, "error", error.message),
  });

  if (relayed) {
    return (
      <main className="relayed">
        <h1>Approved</h1>
        <p>The code went back to the window that asked for it. This window closes by itself.</p>
      </main>
    );
  }

  return (
    <>
      <header className="top">
        <div>
          <h1>openrouter-connect</h1>
          <p className="tagline">Give every user an OpenRouter API key of their own, in one click.</p>
        </div>
        <div className="top-side">
          <p className="badge" data-testid="upstream">
            {config.emulator ? "Local OpenRouter emulator" : new URL(config.authUrl).host}
          </p>
          <label className="language">
            Buttons&apos; language{" "}
            <select value={language.id} onChange={(event) => onLanguage(LANGUAGES.find((l) => l.id === event.target.value) ?? language)}>
              {LANGUAGES.map((l) => (
                <option key={l.id} value={l.id} lang={l.tag ?? "en"}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      <main className="grid">
        <Section flow="popup" title="Popup" intro={<>The default: the consent page opens in a popup and your page stays put.</>}>
          {speak(<ConnectButton {...handlers("popup")} />)}
          <KeyResult apiKey={keys.popup?.key} userId={keys.popup?.userId} testId="popup-key" />
        </Section>

        <Section flow="redirect" title="Redirect" intro={<>mode=&quot;redirect&quot;: this tab goes to OpenRouter and comes back here.</>}>
          {speak(
            <ConnectButton mode="redirect" {...handlers("redirect")}>
              {label("Connect in this tab")}
            </ConnectButton>,
          )}
          <KeyResult apiKey={keys.redirect?.key} userId={keys.redirect?.userId} testId="redirect-key" />
        </Section>

        <Section flow="paste" title="Paste a code" intro={<>mode=&quot;paste&quot;: OpenRouter shows a code in a new tab, the user pastes it here. For CLIs and iframes.</>}>
          {speak(
            <ConnectButton mode="paste" keyLabel="openrouter-connect demo (pasted)" {...handlers("paste")}>
              {label("Connect with a code")}
            </ConnectButton>,
          )}
          <KeyResult apiKey={keys.paste?.key} userId={keys.paste?.userId} testId="paste-key" />
        </Section>

        <Section
          flow="persisted"
          title="Remembered"
          intro={
            <>
              persist=&quot;local&quot; showBalance: the key is kept in localStorage (every tab, across restarts), the button shows what is
              left and offers Disconnect. <code>persist</code> alone keeps it in this tab only.
            </>
          }
        >
          {speak(
            <ConnectButton persist="local" showBalance limit={10} {...handlers("persisted")}>
              {label("Connect and remember")}
            </ConnectButton>,
          )}
          <KeyResult apiKey={persisted.key} testId="persisted-key" />
        </Section>

        {config.exchangeUrl ? (
          <Section
            flow="server"
            title="Key kept on the server"
            intro={
              <>
                exchangeUrl: this app&apos;s server exchanges the code and keeps the key; the page only learns who connected and the
                key&apos;s hint, through onConnected.
              </>
            }
          >
            {speak(
              <ConnectButton exchangeUrl={config.exchangeUrl} {...handlers("server")} onKey={undefined} onConnected={() => void showStoredKey()}>
                {label("Connect, key on the server")}
              </ConnectButton>,
            )}
            <p className={serverKeyHint ? "key" : "key key-empty"} data-testid="server-key">
              {serverKeyHint ? (
                <>
                  Stored on the server: <code>{serverKeyHint}</code>
                </>
              ) : (
                "No key yet."
              )}
            </p>
          </Section>
        ) : null}

        <Section
          flow="minted"
          wide
          title="Minted"
          intro={
            <>
              useCreateAuthCode: your server mints a code with spend controls, using its own key (never sent to the browser); no
              window opens. This demo&apos;s server allows at most $100.
            </>
          }
        >
          <MintForm enabled={!!config.mintUrl} log={(text, tone) => log("minted", text, tone)} />
        </Section>

        <StatusLog entries={entries} onClear={() => setEntries([])} />
      </main>
      <footer className="foot">
        <p>
          Consent page <code>{config.authUrl}</code> · API <code>{config.baseUrl}</code>
          {config.mintUrl ? (
            <>
              {" "}
              · mint route <code>{config.mintUrl}</code>
            </>
          ) : null}
        </p>
      </footer>
    </>
  );
}
