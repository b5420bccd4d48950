"use client";
import {
  forwardRef,
  useCallback,
  useId,
  useMemo,
  useRef,
  type ButtonHTMLAttributes,
  type FormEvent,
  type MouseEvent,
  type ReactNode,
} from "react";
import type { OpenRouterAuthError } from "../core/errors.js";
import type { ConnectMode, ConnectStatus, MintOptions } from "../core/flow/connect-flow.js";
import type { CodeChallengeMethod } from "../core/pkce.js";
import type { ExchangeAuthCodeResponse } from "../core/schemas.js";
import { OpenRouterIcon } from "./OpenRouterIcon.js";
import { useConnectButtonStyles } from "./styles.js";
import { useOpenRouterConnect } from "./useOpenRouterConnect.js";
import { useOpenRouterKey } from "./useOpenRouterKey.js";
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

const BUSY: ReadonlySet<ConnectStatus> = new Set(["opening", "awaiting-approval", "exchanging"]);

function statusMessage(status: ConnectStatus, mode: string | undefined, error: OpenRouterAuthError | undefined): string {
  switch (status) {
    case "opening":
      return mode === "minted" ? "Creating an authorization code…" : "Opening OpenRouter…";
    case "awaiting-approval":
      if (mode === "redirect") return "Redirecting to OpenRouter…";
      if (mode === "paste") return "Approve on OpenRouter, then paste the code it shows.";
      return "Waiting for your approval in the OpenRouter window…";
    case "exchanging":
      return "Creating your key…";
    case "connected":
      return "Connected to OpenRouter.";
    case "error":
      return error?.message ?? "Something went wrong.";
    default:
      return "";
  }
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
    unstyled = false,
    icon,
    children,
    className,
    onClick,
    disabled,
    ...buttonProps
  },
  forwardedRef,
) {
  useConnectButtonStyles(!unstyled);
  const buttonRef = useRef<HTMLButtonElement | null>(null);
  const setRef = useCallback(
    (node: HTMLButtonElement | null) => {
      buttonRef.current = node;
      if (typeof forwardedRef === "function") forwardedRef(node);
      else if (forwardedRef) forwardedRef.current = node;
    },
    [forwardedRef],
  );
  const storage = persist ? (persist === "session" ? "session" : "local") : "session";
  const stored = useOpenRouterKey({ storage });
  const persisted = persist ? stored.key : null;

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
      if (persist) stored.setKey(result.key);
      onKey(result);
    },
    onWindowClosed: () => buttonRef.current?.focus(),
  });

  const status: ConnectStatus = flow.status === "idle" && persisted ? "connected" : flow.status;
  const busy = BUSY.has(status);
  const balanceKey = showBalance && status === "connected" ? (persisted ?? flow.result?.key) : undefined;
  const keyInfo = useOpenRouterKeyInfo(balanceKey);
  const remaining = keyInfo.data?.limitRemaining;
  const money = useMemo(() => new Intl.NumberFormat(undefined, { style: "currency", currency: "USD" }), []);

  const label =
    status === "connected"
      ? remaining !== undefined && remaining !== null && balanceKey
        ? `Connected · ${money.format(remaining)} left`
        : "Connected"
      : (children ?? "Connect OpenRouter");

  const statusId = useId();
  const pasteId = useId();
  const message = statusMessage(status, flow.mode, flow.error);
  const canCancel = busy && flow.status !== "exchanging" && flow.mode !== "minted";

  const handleClick = (event: MouseEvent<HTMLButtonElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || busy) return;
    // Synchronously, inside the click: a popup opened after an await gets blocked.
    void flow.connect();
  };

  const handlePaste = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input = event.currentTarget.elements.namedItem("code") as HTMLInputElement | null;
    void flow.submitCode(input?.value ?? "");
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
          ref={setRef}
          type="button"
          className={className ? `orc-button ${className}` : "orc-button"}
          data-state={status}
          aria-busy={busy}
          aria-describedby={message ? statusId : undefined}
          disabled={disabled}
          onClick={handleClick}
        >
          {icon === null ? null : (
            <span className="orc-icon" aria-hidden="true">
              {icon === undefined ? <OpenRouterIcon /> : icon}
            </span>
          )}
          <span className="orc-label">{label}</span>
          {busy ? <span className="orc-spinner" aria-hidden="true" /> : null}
        </button>
        {canCancel ? (
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
