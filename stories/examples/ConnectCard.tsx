import { useId, useState, type FormEvent } from "react";
import {
  connectErrorText,
  useConnectMessages,
  useOpenRouterConnect,
  type ConnectStatus,
  type ExchangeAuthCodeResponse,
  type MintOptions,
} from "../../src/index.js";

const STEPS: ReadonlyArray<{ status: ConnectStatus; label: string }> = [
  { status: "opening", label: "Start" },
  { status: "awaiting-approval", label: "You approve" },
  { status: "exchanging", label: "Create your key" },
  { status: "connected", label: "Connected" },
];

export interface ConnectCardProps {
  /** Receives the key; store it where your app keeps user secrets. */
  onKey: (result: ExchangeAuthCodeResponse) => void;
  /** Run the minted flow with these spend controls instead of opening OpenRouter. */
  mint?: MintOptions;
  /** Where the popup comes back (see the ConnectButton stories); default this page. */
  callbackUrl?: string;
}

/**
 * A custom connect UI on the headless `useOpenRouterConnect()` hook: your markup, the hook's
 * snapshot (`status`, `message`, `canCancel`, `error`, `result`) and actions (`connect` called
 * directly in the click, `cancel`, `reset`, `submitCode` for paste mode). A progress list shows each step;
 * errors are worded by their code from the provider's `messages` (`connectErrorText`: the user's
 * language; `error.message` is the developer's English detail) and offer "Try again" when
 * `error.retryable` says a new attempt may work.
 */
export function ConnectCard({ onKey, mint, callbackUrl }: ConnectCardProps) {
  const [usePaste, setUsePaste] = useState(false);
  const flow = useOpenRouterConnect({ onKey, mint, callbackUrl, mode: usePaste ? "paste" : "popup" });
  const messages = useConnectMessages();
  const id = useId();
  const busy = flow.status === "opening" || flow.status === "awaiting-approval" || flow.status === "exchanging";
  const current = STEPS.findIndex((step) => step.status === flow.status);

  const paste = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void flow.submitCode(new FormData(event.currentTarget).get("code")?.toString() ?? "");
  };

  return (
    <section
      aria-labelledby={`${id}-title`}
      style={{ width: "min(420px, 92vw)", padding: 20, border: "1px solid #d1d5db", borderRadius: 12, font: "15px/1.5 system-ui, sans-serif", color: "#111827" }}
    >
      <h2 id={`${id}-title`} style={{ margin: "0 0 4px", fontSize: 18 }}>
        Bring your own OpenRouter credits
      </h2>
      <p style={{ margin: "0 0 12px", color: "#4b5563" }}>{mint ? "We'll create a key with a spending limit for you." : "Approve on OpenRouter; we get a key of your own."}</p>

      <ol aria-label="Progress" style={{ display: "flex", gap: 12, padding: 0, margin: "0 0 12px", listStyle: "none", fontSize: 13 }}>
        {STEPS.filter((step) => !(mint && step.status === "awaiting-approval")).map((step) => {
          const index = STEPS.indexOf(step);
          const done = flow.status === "connected" || (current >= 0 && index < current);
          return (
            <li key={step.status} aria-current={step.status === flow.status ? "step" : undefined} style={{ color: done ? "#047857" : step.status === flow.status ? "#111827" : "#4b5563", fontWeight: step.status === flow.status ? 700 : 400 }}>
              {done ? "✓ " : ""}
              {step.label}
            </li>
          );
        })}
      </ol>

      {flow.status === "connected" ? (
        <button type="button" onClick={flow.reset}>
          Use another key
        </button>
      ) : (
        <div style={{ display: "flex", gap: 8, alignItems: "center" }}>
          <button type="button" onClick={() => void flow.connect()} disabled={busy} aria-busy={busy} style={{ padding: "8px 16px", fontWeight: 600 }}>
            {busy ? "Connecting…" : "Connect OpenRouter"}
          </button>
          {flow.message === "popup-hidden" ? (
            // The popup can't be seen any more (closed, or hidden by OpenRouter's COOP): offer a new window.
            <button type="button" onClick={() => void flow.connect()}>
              Try again
            </button>
          ) : null}
          {flow.canCancel ? (
            <button type="button" onClick={flow.cancel}>
              Cancel
            </button>
          ) : null}
          {!mint ? (
            <label style={{ fontSize: 13 }}>
              <input type="checkbox" checked={usePaste} onChange={(event) => setUsePaste(event.target.checked)} disabled={busy} /> Paste a code instead
            </label>
          ) : null}
        </div>
      )}
      {flow.message === "awaiting-paste" ? (
        <form onSubmit={paste} style={{ marginTop: 8, display: "flex", gap: 8 }}>
          <label htmlFor={`${id}-code`}>Code from OpenRouter</label>
          <input id={`${id}-code`} name="code" required autoComplete="off" />
          <button type="submit">Submit</button>
        </form>
      ) : null}
      {/* One live region for the whole card, present from the start, so every change is announced. */}
      <p role="status" aria-live="polite" style={{ minHeight: "1.5em", margin: "8px 0 0", color: flow.error ? "#b91c1c" : "#4b5563" }}>
        {flow.status === "connected" ? (
          <>
            Connected. Your key ends in <code>{flow.result?.key.slice(-4)}</code>.
          </>
        ) : (
          (flow.error ? connectErrorText(flow.error, messages) : "")
        )}
      </p>
      {flow.error?.retryable ? (
        <button type="button" onClick={() => void flow.connect()}>
          Try again
        </button>
      ) : null}
    </section>
  );
}
