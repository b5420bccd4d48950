"use client";
import type { MutationKey, QueryClient } from "@tanstack/react-query";
import { useId, type FormEvent } from "react";
import { OpenRouterAuthError } from "../core/errors.js";
import { ConnectFlow, type ConnectFlowOptions, type ConnectSnapshot } from "../core/flow/connect-flow.js";
import { connectStatusText, formatBalance, formatMessage, resolveConnectMessages, type ConnectMessages } from "../core/messages.js";
import { authConfig } from "./auth-config.js";
import type { ButtonFlow } from "./button-flow.js";
import type { AuthSettings, OpenRouterAuthConfig } from "./context.js";
import { provideFlowPart } from "./flow-registry.js";
import { openRouterConnectKeys } from "./options.js";
import type { UseOpenRouterConnectOptions } from "./useOpenRouterConnect.js";

// ConnectButton's flow part: everything a flow needs once someone interacts (PKCE, consent URLs,
// every schema, the HTTP client, the popup watcher, the channel, the exchange, the texts of a
// running flow), loaded by the button with a dynamic import() (lazy-flow.ts). useOpenRouterConnect
// imports it statically: an app that uses the hook has it in its own chunk, and its buttons use it
// at once.

/**
 * Runs `request` as a mutation in react-query's cache (devtools, `useIsMutating` and global
 * `MutationCache` callbacks see it run) that holds no secret: no variables (the request is closed
 * over), no data (the answer goes around it), and it leaves the cache the moment it settles.
 */
function secretFreeMutation<T>(queryClient: QueryClient, mutationKey: MutationKey, request: () => Promise<T>): Promise<T> {
  const cache = queryClient.getMutationCache();
  return new Promise<T>((resolve, reject) => {
    const mutation = cache.build(queryClient, {
      mutationKey,
      retry: false,
      gcTime: 0,
      mutationFn: async () => resolve(await request()),
    });
    mutation
      .execute(undefined)
      .catch(reject)
      .finally(() => cache.remove(mutation));
  });
}

/** The ConnectFlow options of a hook or button: its own, over the provider's config, with the client's requests as mutations. */
export function flowOptions(options: UseOpenRouterConnectOptions, config: OpenRouterAuthConfig, queryClient: QueryClient, flowId: string): ConnectFlowOptions {
  const { client } = config;
  const serverRoute = options.exchangeUrl ?? client.exchangeUrl;
  return {
    authUrl: config.authUrl,
    // Same tree, same id after a page load: a redirect comes back to the component that started it.
    flowId,
    ...options,
    messages: resolveConnectMessages(config.messages, options.messages),
    createAuthCode: (request, requestOptions) =>
      secretFreeMutation(queryClient, openRouterConnectKeys.createAuthCode(), () => client.createAuthCode(request, requestOptions)),
    exchangeAuthCode: (request, requestOptions) =>
      secretFreeMutation(queryClient, openRouterConnectKeys.exchangeAuthCode(), () => client.exchangeAuthCode(request, requestOptions)),
    exchangeOnServer: serverRoute
      ? (request, requestOptions) =>
          secretFreeMutation(queryClient, openRouterConnectKeys.exchangeAuthCodeOnServer(), async () => {
            if (!client.exchangeAuthCodeOnServer) {
              throw new OpenRouterAuthError("unsupported", "exchangeUrl needs a client made by createOpenRouterAuthClient (this one cannot exchange on a server).");
            }
            return client.exchangeAuthCodeOnServer(request, requestOptions);
          })
      : undefined,
  };
}

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
  control: ButtonFlow;
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
        <button type="button" className="orc-secondary" onClick={control.continueInThisTab}>
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
    control.submitCode((event.currentTarget.elements.namedItem("code") as HTMLInputElement).value);
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

provideFlowPart(flowPart);
