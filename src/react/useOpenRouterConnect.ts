"use client";
import { MutationObserver } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useState, useSyncExternalStore } from "react";
import type { OpenRouterAuthError } from "../core/errors.js";
import { ConnectFlow, type ConnectFlowOptions, type ConnectMode, type ConnectSnapshot, type ConnectStatus } from "../core/flow/connect-flow.js";
import type { CreateAuthKeysCodeRequest, ExchangeAuthCodeRequest, ExchangeAuthCodeResponse } from "../core/schemas.js";
import { useOpenRouterAuthConfig, useRequiredQueryClient, type OpenRouterAuthConfig } from "./context.js";
import { createAuthCodeMutationOptions, exchangeAuthCodeMutationOptions } from "./options.js";
import { useIsomorphicLayoutEffect } from "./useIsomorphicLayoutEffect.js";

export type UseOpenRouterConnectOptions = Omit<ConnectFlowOptions, "createAuthCode" | "exchangeAuthCode">;

export interface UseOpenRouterConnectResult {
  /** Starts a flow; call it directly in a click handler. Resolves with the key, or undefined on failure. */
  connect: (options?: { mode?: ConnectMode }) => Promise<ExchangeAuthCodeResponse | undefined>;
  status: ConnectStatus;
  result: ExchangeAuthCodeResponse | undefined;
  error: OpenRouterAuthError | undefined;
  /** Back to `idle`, dropping any attempt. */
  reset: () => void;
  /** Ends the current wait with `cancelled`. */
  cancel: () => void;
  /** After `popup_blocked`: go on in this tab (or by pasting a code inside an iframe). */
  continueInThisTab: () => Promise<ExchangeAuthCodeResponse | undefined>;
  /** Paste mode: exchange the code the user copied from OpenRouter. */
  submitCode: (code: string) => Promise<ExchangeAuthCodeResponse | undefined>;
  mode: ConnectSnapshot["mode"];
  fallback: ConnectSnapshot["fallback"];
  pasteUrl: string | undefined;
  /** This page is a popup's callback that handed the code back to its opener. */
  relayed: boolean;
}

function flowOptions(
  options: UseOpenRouterConnectOptions,
  config: OpenRouterAuthConfig,
  queryClient: ReturnType<typeof useRequiredQueryClient>,
  flowId: string,
): ConnectFlowOptions {
  const { client } = config;
  // Through react-query's mutation cache (keys, devtools, global callbacks), without
  // subscribing this component to the mutations' intermediate states.
  return {
    authUrl: config.authUrl,
    // Same tree, same id after a page load: a redirect comes back to the component that started it.
    flowId,
    ...options,
    createAuthCode: (request: CreateAuthKeysCodeRequest, requestOptions) =>
      new MutationObserver(queryClient, {
        ...createAuthCodeMutationOptions(client),
        mutationFn: (variables: CreateAuthKeysCodeRequest) => client.createAuthCode(variables, requestOptions),
      }).mutate(request),
    exchangeAuthCode: (request: ExchangeAuthCodeRequest, requestOptions) =>
      new MutationObserver(queryClient, {
        ...exchangeAuthCodeMutationOptions(client),
        mutationFn: (variables: ExchangeAuthCodeRequest) => client.exchangeAuthCode(variables, requestOptions),
      }).mutate(request),
  };
}

/**
 * The headless connect flow behind `ConnectButton`: popup (default), redirect,
 * paste, or minted (`mint`). Build your own UI on it.
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
