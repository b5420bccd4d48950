"use client";
import {
  forwardRef,
  useId,
  useImperativeHandle,
  useRef,
  type ButtonHTMLAttributes,
  type FormEvent,
  type ReactNode,
} from "react";
import type { OpenRouterAuthError } from "../core/errors.js";
import type { ConnectMode, ConnectStatus, MintOptions } from "../core/flow/connect-flow.js";
import type { CodeChallengeMethod } from "../core/pkce.js";
import type { ExchangeAuthCodeResponse } from "../core/schemas.js";
import { OpenRouterIcon } from "./OpenRouterIcon.js";
import { useConnectButtonStyles } from "./styles.js";
import { useOpenRouterConnect } from "./useOpenRouterConnect.js";
import { useStoredKey } from "./useOpenRouterKey.js";
import { useOpenRouterKeyInfo } from "./useOpenRouterKeyInfo.js";

export interface ConnectButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, "onError" | "type"> {
  /** Receives the user's new key once it is issued. The key is not stored unless you pass `persist`. */
  onKey: (result: ExchangeAuthCodeResponse) => void;
  /** Called with every failure; `error.code` is stable (`popup_closed`, `access_denied`, …). */
  onError?: (error: OpenRouterAuthError) => void;
  /** Called on every status change: idle, opening, awaiting-approval, exchanging, connected, error. */
  onStatusChange?: (status: ConnectStatus) => void;
  /** Where OpenRouter sends the user back. Default: this page's origin and path, finished by this button itself. */
  callbackUrl?: string;
  /** `popup` (default) keeps your page; `redirect` leaves it and comes back; `paste` uses OpenRouter's headless mode. */
  mode?: ConnectMode;
  /** PKCE method; keep the default `S256` unless you must. */
  codeChallengeMethod?: CodeChallengeMethod;
  /** Credit limit proposed on the consent page. */
  limit?: number;
  /** Key label in paste mode. */
  keyLabel?: string;
  /** Minted flow: create the code with these spend controls through `POST /auth/keys/code` (needs a provider `apiKey` or `mintUrl`). No window opens. */
  mint?: MintOptions;
  /** Deadline of one attempt in ms; default 10 minutes, the lifetime of a code. */
  timeoutMs?: number;
  /** Keep the key in `localStorage` (`true` or `"local"`) or `sessionStorage`, and show a Disconnect action. */
  persist?: boolean | "local" | "session";
  /** With `persist`: show the key's remaining credit once connected. */
  showBalance?: boolean;
  size?: "sm" | "md" | "lg";
  /** `auto` (default) follows `prefers-color-scheme`. */
  theme?: "auto" | "light" | "dark";
  /** No default styles: only the class names and data attributes remain. */
  unstyled?: boolean;
  /** Replaces the default icon; `null` shows none. */
  icon?: ReactNode;
  /** The label; default "Connect OpenRouter". It stays the accessible name while busy. */
  children?: ReactNode;
}

/**
 * Gets the user an OpenRouter API key of their own: runs the PKCE flow in a popup
 * (default), a redirect, OpenRouter's paste-the-code mode, or the minted flow, and
 * hands the key to `onKey`. All native button props pass through; the ref is the
 * `<button>`; `data-state` carries the status for styling.
 */
export const ConnectButton = forwardRef<HTMLButtonElement, ConnectButtonProps>(function ConnectButton(
  {
    onKey,
    onError,
    onStatusChange,
    callbackUrl,
    mode,
    codeChallengeMethod,
    limit,
    keyLabel,
    mint,
    timeoutMs,
    persist,
    showBalance,
    size = "md",
    theme = "auto",
    unstyled,
    icon,
    children,
    className,
    onClick,
    ...buttonProps
  },
  forwardedRef,
) {
  useConnectButtonStyles(!unstyled);
  const buttonRef = useRef<HTMLButtonElement | null>(null);
  // The forwarded ref gets the <button> (it is always rendered).
  useImperativeHandle(forwardedRef, () => buttonRef.current as HTMLButtonElement, []);
  // Off (no storage read, no `storage` listener) unless `persist` asks for it.
  const stored = useStoredKey(persist === "session" ? persist : persist ? "local" : undefined);
  const persisted = stored.key;

  const flow = useOpenRouterConnect({
    callbackUrl,
    mode,
    codeChallengeMethod,
    limit,
    keyLabel,
    mint,
    timeoutMs,
    onStatusChange,
    onError,
    onKey: (result) => {
      stored.setKey(result.key);
      onKey(result);
    },
    onWindowClosed: () => buttonRef.current?.focus(),
  });

  const status: ConnectStatus = flow.status === "idle" && persisted ? "connected" : flow.status;
  const busy = status === "opening" || status === "awaiting-approval" || status === "exchanging";
  const balanceKey = showBalance && status === "connected" ? (persisted ?? flow.result?.key) : undefined;
  const keyInfo = useOpenRouterKeyInfo(balanceKey);
  const remaining = keyInfo.data?.limitRemaining;

  const statusId = useId();
  const pasteId = useId();
  // What the live region announces (tests and e2e read these texts).
  const message =
    status === "opening"
      ? flow.mode === "minted"
        ? "Creating an authorization code…"
        : "Opening OpenRouter…"
      : status === "awaiting-approval"
        ? flow.mode === "redirect"
          ? "Redirecting to OpenRouter…"
          : flow.mode === "paste"
            ? "Approve on OpenRouter, then paste the code it shows."
            : "Waiting for your approval in the OpenRouter window…"
        : status === "exchanging"
          ? "Creating your key…"
          : status === "connected"
            ? "Connected to OpenRouter."
            : status === "error"
              ? (flow.error?.message ?? "Something went wrong.")
              : "";

  const handlePaste = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void flow.submitCode((event.currentTarget.elements.namedItem("code") as HTMLInputElement).value);
  };

  const disconnect = () => {
    stored.clear();
    flow.reset();
    buttonRef.current?.focus();
  };

  return (
    <span className="orc" data-state={status} data-size={size} data-theme={theme} data-unstyled={unstyled ? "" : undefined}>
      <span className="orc-row">
        <button
          {...buttonProps}
          ref={buttonRef}
          type="button"
          className={className ? `orc-button ${className}` : "orc-button"}
          data-state={status}
          aria-busy={busy}
          aria-describedby={message ? statusId : undefined}
          onClick={(event) => {
            onClick?.(event);
            // Synchronously, inside the click: a popup opened after an await gets blocked. While busy,
            // connect() brings the popup to the front, or starts over when COOP hid it from us.
            if (!event.defaultPrevented) void flow.connect();
          }}
        >
          {icon === null ? null : (
            <span className="orc-icon" aria-hidden="true">
              {icon ?? <OpenRouterIcon />}
            </span>
          )}
          <span className="orc-label">
            {/* toLocaleString formats through Intl.NumberFormat, e.g. "$7.25". */}
            {status === "connected"
              ? remaining !== undefined && remaining !== null && balanceKey
                ? `Connected · ${remaining.toLocaleString(undefined, { style: "currency", currency: "USD" })} left`
                : "Connected"
              : (children ?? "Connect OpenRouter")}
          </span>
          {busy ? <span className="orc-spinner" aria-hidden="true" /> : null}
        </button>
        {busy && flow.status !== "exchanging" && flow.mode !== "minted" ? (
          <button type="button" className="orc-secondary" onClick={flow.cancel}>
            Cancel
          </button>
        ) : null}
        {status === "error" && flow.error?.code === "popup_blocked" ? (
          <button type="button" className="orc-secondary" onClick={() => void flow.continueInThisTab()}>
            {flow.fallback === "paste" ? "Paste a code instead" : "Continue in this tab"}
          </button>
        ) : null}
        {status === "connected" && persist ? (
          <button type="button" className="orc-secondary" onClick={disconnect}>
            Disconnect
          </button>
        ) : null}
      </span>
      {flow.status === "awaiting-approval" && flow.mode === "paste" ? (
        <form className="orc-paste" onSubmit={handlePaste}>
          <label htmlFor={pasteId}>Paste the code from OpenRouter</label>
          <input id={pasteId} name="code" autoComplete="off" spellCheck={false} required />
          <button type="submit" className="orc-secondary">
            Submit code
          </button>
          {flow.pasteUrl ? (
            <a href={flow.pasteUrl} target="_blank" rel="noopener noreferrer">
              Open OpenRouter
            </a>
          ) : null}
        </form>
      ) : null}
      <span id={statusId} className="orc-status" role="status" aria-live="polite">
        {message}
      </span>
    </span>
  );
});
