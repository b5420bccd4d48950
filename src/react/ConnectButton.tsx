"use client";
import { useQuery } from "@tanstack/react-query";
import { forwardRef, useId, useImperativeHandle, useMemo, useRef, useState, type ButtonHTMLAttributes, type ReactNode, type SyntheticEvent } from "react";
import type { OpenRouterAuthError } from "../core/errors.js";
import { defaultIdleMessages, resolveMessages } from "../core/idle-messages.js";
import type { OpenRouterKeyInfo } from "../core/key-info.js";
import type { ConnectMessages } from "../core/messages.js";
import { OpenRouterIcon } from "./OpenRouterIcon.js";
import { useAuthSettings, useRequiredQueryClient } from "./context.js";
import { keyInfoQuery } from "./keys.js";
import { flowPartNow } from "./flow-registry.js";
import { loadFlowPart } from "./lazy-flow.js";
import { useConnectButtonStyles } from "./styles.js";
import { useConnectButtonFlow } from "./useConnectButtonFlow.js";
import type { UseOpenRouterConnectOptions } from "./useOpenRouterConnect.js";
import { useStoredKey } from "./useOpenRouterKey.js";
import { useReaderLocales } from "./useReaderLocales.js";

// The button paints from this module and what it imports: label, icon, styles, the kept key, the
// idle texts. Everything a flow needs (PKCE, URLs, schemas, the HTTP client, the popup watcher,
// the exchange, the other texts) is its flow part, loaded on the first pointerenter, focus or
// touchstart, or by the click itself (useConnectButtonFlow); at once on a page that OpenRouter
// sent back to.

/** The props the button passes to its flow, documented once on `useOpenRouterConnect`'s options. */
type FlowProps = Pick<
  UseOpenRouterConnectOptions,
  "onError" | "onStatusChange" | "callbackUrl" | "mode" | "codeChallengeMethod" | "limit" | "keyLabel" | "mint" | "timeoutMs"
>;

type KeyProps = Pick<UseOpenRouterConnectOptions, "onKey" | "onConnected" | "exchangeUrl">;
/**
 * Where the key goes, at least one of: `onKey` (this browser exchanges the code and gets the key),
 * `onConnected` (both modes), or `exchangeUrl` (your server exchanges the code and keeps the key,
 * so no callback is needed). A button under a provider's `exchangeUrl` takes `onConnected`.
 */
export type ConnectButtonKeyProps =
  | (KeyProps & Required<Pick<KeyProps, "onKey">>)
  | (KeyProps & Required<Pick<KeyProps, "onConnected">>)
  | (KeyProps & Required<Pick<KeyProps, "exchangeUrl">>);

export interface ConnectButtonOwnProps {
  /**
   * Keep the key on this device and offer Disconnect: `true` or `"session"` in `sessionStorage`
   * (this tab, until it closes); `"local"` in `localStorage` (every tab, across restarts, and
   * readable by any script on your origin). With `exchangeUrl` there is no key here to keep.
   */
  persist?: boolean | "local" | "session";
  /** With `persist`: show the key's remaining credit once connected (not with `exchangeUrl`: no key here to ask about). */
  showBalance?: boolean;
  size?: "sm" | "md" | "lg";
  /** `auto` (default) follows `prefers-color-scheme`. */
  theme?: "auto" | "light" | "dark";
  /** No default styles: only the class names and data attributes remain. */
  unstyled?: boolean;
  /** Replaces the default icon; `null` shows none. */
  icon?: ReactNode;
  /** The label; default `messages.connect` ("Connect OpenRouter"). It stays the accessible name while busy. */
  children?: ReactNode;
  /**
   * Every text it shows or announces, over the provider's `messages`, key by key: a shipped locale
   * (`import { de } from "openrouter-connect/locales"`) or a few keys of your own. A key left out,
   * empty or not a string shows in English.
   */
  messages?: Partial<ConnectMessages>;
  /**
   * BCP 47 tag the balance is formatted for (`de-DE` → "7,25 $"); default the provider's `locale`,
   * else the browser's language once hydrated. An invalid tag is ignored.
   */
  locale?: string;
}

export type ConnectButtonProps = ConnectButtonOwnProps &
  FlowProps &
  ConnectButtonKeyProps &
  Omit<ButtonHTMLAttributes<HTMLButtonElement>, "onError" | "type" | keyof ConnectButtonOwnProps>;

/** `ids` that are set, space-separated, or undefined: the button's own description joined with the user's. */
const joinIds = (...ids: Array<string | undefined>): string | undefined => ids.filter(Boolean).join(" ") || undefined;

/** The user's handler first, then the button's own unless the user's prevented the default (Radix's composition). */
const compose =
  <E extends SyntheticEvent>(theirs: ((event: E) => void) | undefined, ours: () => void) =>
  (event: E) => {
    theirs?.(event);
    if (!event.defaultPrevented) ours();
  };

/**
 * Gets the user an OpenRouter API key of their own: runs the PKCE flow in a popup (default), a
 * redirect, OpenRouter's paste-the-code mode, or the minted flow, and hands the key to `onKey`
 * (or, with `exchangeUrl`, leaves it on your server and reports `onConnected`).
 *
 * Radix-style: the component's own attributes come first and your props over them (handlers
 * composed, `className` and `aria-describedby` joined); the ref is the `<button>`. `data-state` on
 * the button and on its wrapper `.orc` is the status: `idle`, `opening`, `awaiting-approval`,
 * `exchanging`, `connected` or `error`, for styling. A polite live region says what happens.
 */
export const ConnectButton = forwardRef<HTMLButtonElement, ConnectButtonProps>(function ConnectButton(
  {
    onKey,
    onConnected,
    exchangeUrl,
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
    messages,
    locale,
    className,
    onClick,
    onPointerEnter,
    onFocus,
    onTouchStart,
    "aria-describedby": describedBy,
    ...buttonProps
  },
  forwardedRef,
) {
  useConnectButtonStyles(!unstyled);
  const buttonRef = useRef<HTMLButtonElement | null>(null);
  // The forwarded ref gets the <button> (it is always rendered).
  useImperativeHandle(forwardedRef, () => buttonRef.current as HTMLButtonElement, []);
  const settings = useAuthSettings();
  // Off (no storage read, no `storage` listener) unless `persist` asks for it.
  const stored = useStoredKey(persist === "local" ? "local" : persist ? "session" : undefined);
  const [forgotten, setForgotten] = useState(false);
  const locales = useReaderLocales(locale);

  const [flow, control] = useConnectButtonFlow({
    messages,
    callbackUrl,
    mode,
    codeChallengeMethod,
    limit,
    keyLabel,
    mint,
    timeoutMs,
    exchangeUrl,
    onStatusChange,
    onError,
    onConnected,
    onKey: (result) => {
      stored.setKey(result.key);
      onKey?.(result);
    },
    onWindowClosed: () => buttonRef.current?.focus(),
  });

  // The idle texts until the flow part is here (it brings the rest); the provider's under the prop's.
  const part = flowPartNow();
  const provided = settings.messages;
  const t = useMemo(
    () => (part ? part.resolveConnectMessages(...provided, messages) : resolveMessages(defaultIdleMessages, [...provided, messages])),
    [part, provided, messages],
  );
  /** The whole table, once the flow part brought it (only read with `part`). */
  const all = t as ConnectMessages;

  const persisted = stored.key;
  const status = flow.status === "idle" && persisted ? "connected" : flow.status;
  const busy = status === "opening" || status === "awaiting-approval" || status === "exchanging";
  const balanceKey = showBalance && status === "connected" ? (persisted ?? flow.result?.key) : undefined;
  // GET /key needs the HTTP client: the query loads the flow part (the same cache entry as useOpenRouterKeyInfo's).
  const remaining = useQuery<OpenRouterKeyInfo, OpenRouterAuthError>(
    {
      ...keyInfoQuery(balanceKey),
      queryFn: async ({ signal }) => (await loadFlowPart()).authConfig(settings).client.getKeyInfo(balanceKey as string, { signal }),
    },
    useRequiredQueryClient(),
  ).data?.limitRemaining;
  // A balance came through the flow part, which formats it.
  const connectedLabel = balanceKey && part && typeof remaining === "number" ? part.balanceLabel(t.connectedWithBalance, remaining, locales) : t.connectedLabel;
  const showForgotten = forgotten && status === "idle";
  const text = showForgotten ? t.forgotten : part ? part.connectStatusText(flow, all) : flow.error ? t.load_failed : "";

  const statusId = useId();

  const connect = () => {
    setForgotten(false);
    // Synchronously, inside the click: a popup opened after an await gets blocked. While busy,
    // connect() brings the popup to the front, or starts over when we can no longer see it; while
    // the click before still waits for the flow part, it does nothing.
    control.connect();
  };

  const disconnect = () => {
    stored.clear();
    control.reset();
    setForgotten(true);
    buttonRef.current?.focus();
  };

  return (
    <span className="orc" data-state={status} data-size={size} data-theme={theme} data-unstyled={unstyled ? "" : undefined}>
      <span className="orc-row">
        <button
          type="button"
          data-state={status}
          aria-busy={busy}
          {...buttonProps}
          ref={buttonRef}
          className={className ? `orc-button ${className}` : "orc-button"}
          aria-describedby={joinIds(text ? statusId : undefined, describedBy)}
          onClick={compose(onClick, connect)}
          onPointerEnter={compose(onPointerEnter, control.prefetch)}
          onFocus={compose(onFocus, control.prefetch)}
          onTouchStart={compose(onTouchStart, control.prefetch)}
        >
          {icon === null ? null : (
            <span className="orc-icon" aria-hidden="true">
              {icon ?? <OpenRouterIcon className="orc-mark" />}
            </span>
          )}
          <span className="orc-label">{status === "connected" ? connectedLabel : (children ?? t.connect)}</span>
          {busy ? <span className="orc-spinner" aria-hidden="true" /> : null}
        </button>
        {part && control.connectFlow ? <part.FlowActions flow={flow} texts={all} control={control.connectFlow} tryAgain={connect} /> : null}
        {status === "connected" && persisted ? (
          <button type="button" className="orc-secondary" onClick={disconnect}>
            {t.disconnect}
          </button>
        ) : null}
      </span>
      {part && control.connectFlow ? <part.PasteForm flow={flow} texts={all} control={control.connectFlow} tryAgain={connect} /> : null}
      <span id={statusId} className="orc-status" role="status" aria-live="polite">
        {text}
      </span>
      {showForgotten ? (
        <a className="orc-revoke" href={settings.keysUrl} target="_blank" rel="noopener noreferrer">
          {t.revoke}
        </a>
      ) : null}
    </span>
  );
});
