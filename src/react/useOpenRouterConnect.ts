"use client";
import type { MutationKey, QueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useState, useSyncExternalStore } from "react";
import { OpenRouterAuthError } from "../core/errors.js";
import { ConnectFlow, type ConnectFlowOptions, type ConnectMode, type ConnectSnapshot } from "../core/flow/connect-flow.js";
import { resolveConnectMessages, type ConnectMessages } from "../core/messages.js";
import type { ExchangeAuthCodeResponse } from "../core/schemas.js";
import { useOpenRouterAuthConfig, useRequiredQueryClient, type OpenRouterAuthConfig } from "./context.js";
import { openRouterConnectKeys } from "./options.js";
import { useIsomorphicLayoutEffect } from "./useIsomorphicLayoutEffect.js";

export interface UseOpenRouterConnectOptions extends Omit<ConnectFlowOptions, "createAuthCode" | "exchangeAuthCode" | "exchangeOnServer" | "messages"> {
  /**
   * Texts over the provider's `messages`, key by key. The flow itself only shows `windowTitle` and
   * `opening` (in the popup, until OpenRouter's page loads); word the rest with
   * `connectStatusText(flow, useConnectMessages(messages))`.
   */
  messages?: Partial<ConnectMessages>;
  /**
   * Your server's exchange route (`createExchangeHandler` of `openrouter-connect/server`), for this
   * flow; default: the provider's `exchangeUrl`. With one, the code is exchanged there and the key
   * stays on your server: `onConnected` gets `{ userId, keyHint }`, `onKey` is never called. A path
   * resolves against the page and must stay on this site.
   */
  exchangeUrl?: string;
}

export interface UseOpenRouterConnectResult extends ConnectSnapshot {
  /**
   * Starts a flow; call it directly in a click handler. Resolves with the key when this browser
   * exchanged the code, or undefined (failed, or your server kept the key). While `message` is
   * `popup-hidden`, it starts over in a new window.
   */
  connect: (options?: { mode?: ConnectMode }) => Promise<ExchangeAuthCodeResponse | undefined>;
  /** Back to `idle`, dropping any attempt. */
  reset: () => void;
  /** Ends the current wait with `cancelled` (offered while `canCancel`). */
  cancel: () => void;
  /** After `popup_blocked`: go on in this tab (or by pasting a code inside an iframe). */
  continueInThisTab: () => Promise<ExchangeAuthCodeResponse | undefined>;
  /** Paste mode: exchange the code the user copied from OpenRouter. */
  submitCode: (code: string) => Promise<ExchangeAuthCodeResponse | undefined>;
}

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

function flowOptions(options: UseOpenRouterConnectOptions, config: OpenRouterAuthConfig, queryClient: QueryClient, flowId: string): ConnectFlowOptions {
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

/**
 * The headless connect flow behind `ConnectButton`: popup (default), redirect,
 * paste, or minted (`mint`). Build your own UI on it: the result carries the
 * snapshot (`status`, `message`, `canCancel`, …) and the actions.
 */
export function useOpenRouterConnect(options: UseOpenRouterConnectOptions = {}): UseOpenRouterConnectResult {
  const config = useOpenRouterAuthConfig();
  const queryClient = useRequiredQueryClient();
  const flowId = useId();
  const [flow] = useState(() => new ConnectFlow(flowOptions(options, config, queryClient, flowId)));
  // Options must be current when a click calls connect(); layout effects run before any event.
  useIsomorphicLayoutEffect(() => {
    flow.setOptions(flowOptions(options, config, queryClient, flowId));
  });
  const snapshot = useSyncExternalStore(flow.subscribe, flow.getSnapshot, flow.getServerSnapshot);
  useEffect(() => {
    const unmount = flow.mount();
    flow.resume();
    return unmount;
  }, [flow]);
  return useMemo(
    () => ({
      ...snapshot,
      connect: flow.connect,
      reset: flow.reset,
      cancel: flow.cancel,
      continueInThisTab: flow.continueInThisTab,
      submitCode: flow.submitCode,
    }),
    [flow, snapshot],
  );
}
