"use client";
import type { QueryClient } from "@tanstack/react-query";
import { useId, type FormEvent } from "react";
import { ConnectFlow, type ConnectSnapshot } from "../core/flow/connect-flow.js";
import { connectStatusText, formatBalance, formatMessage, resolveConnectMessages, type ConnectMessages } from "../core/messages.js";
import { authConfig } from "./auth-config.js";
import type { AuthSettings } from "./context.js";
import { flowOptions } from "./flow-options.js";
import type { UseOpenRouterConnectOptions } from "./useOpenRouterConnect.js";

// ConnectButton's flow part: everything a flow needs once someone interacts (PKCE, consent URLs,
// every schema, the HTTP client, the popup watcher, the channel, the exchange, the texts and views
// of a running flow). The button loads it with a dynamic import() (lazy-flow.ts); a page that
// finishes callbacks (useAuthCallback, AuthCallback) brings it at once and registers it, so its
// buttons start synchronously.

/** What a button's flow needs to be built: its options and where it lives. */
export interface FlowInput {
  options: UseOpenRouterConnectOptions;
  settings: AuthSettings;
  queryClient: QueryClient;
  flowId: string;
}

/** What a running flow shows beside the button, in the button's words. */
interface FlowViewProps {
  flow: ConnectSnapshot;
  texts: ConnectMessages;
  control: ConnectFlow;
  /** A new window, as a click on the button. */
  tryAgain: () => void;
}

/** The secondary actions of a running flow: Try again (popup out of sight), Cancel, and the way on without a popup. */
function FlowActions({ flow, texts, control, tryAgain }: FlowViewProps) {
  return (
    <>
      {flow.message === "popup-hidden" ? (
        <button type="button" className="orc-secondary" onClick={tryAgain}>
          {texts.tryAgain}
        </button>
      ) : null}
      {flow.canCancel ? (
        <button type="button" className="orc-secondary" onClick={control.cancel}>
          {texts.cancel}
        </button>
      ) : null}
      {flow.fallback ? (
        <button type="button" className="orc-secondary" onClick={() => void control.continueInThisTab()}>
          {flow.fallback === "paste" ? texts.pasteInstead : texts.continueInThisTab}
        </button>
      ) : null}
    </>
  );
}

/** Paste mode, while it waits: the field for the code OpenRouter shows, and a link to its page. */
function PasteForm({ flow, texts, control }: FlowViewProps) {
  const pasteId = useId();
  if (flow.message !== "awaiting-paste") return null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void control.submitCode((event.currentTarget.elements.namedItem("code") as HTMLInputElement).value);
  };
  return (
    <form className="orc-paste" onSubmit={submit}>
      <label htmlFor={pasteId}>{texts.pasteLabel}</label>
      <input id={pasteId} name="code" autoComplete="off" spellCheck={false} required />
      <button type="submit" className="orc-secondary">
        {texts.submitCode}
      </button>
      {flow.pasteUrl ? (
        <a href={flow.pasteUrl} target="_blank" rel="noopener noreferrer">
          {texts.openConsentPage}
        </a>
      ) : null}
    </form>
  );
}

/** What ConnectButton takes from this part. */
export const flowPart = {
  createFlow: (input: FlowInput) => new ConnectFlow(flowPart.optionsFor(input)),
  optionsFor: ({ options, settings, queryClient, flowId }: FlowInput) => flowOptions(options, authConfig(settings), queryClient, flowId),
  authConfig,
  resolveConnectMessages,
  connectStatusText,
  /** The connected label with the balance (`{balance}` in `template`), formatted for the first valid of `locales`. */
  balanceLabel: (template: string, amount: number, locales: Array<string | undefined>) => formatMessage(template, { balance: formatBalance(amount, locales) }),
  FlowActions,
  PasteForm,
};
export type FlowPart = typeof flowPart;
