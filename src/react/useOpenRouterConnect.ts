"use client";
import { useEffect, useId, useMemo, useState, useSyncExternalStore } from "react";
import { ConnectFlow, type ConnectFlowOptions, type ConnectMode, type ConnectSnapshot } from "../core/flow/connect-flow.js";
import type { ConnectMessages } from "../core/messages.js";
import type { ExchangeAuthCodeResponse } from "../core/schemas.js";
import { useRequiredQueryClient } from "./context.js";
import { flowOptions } from "./flow-options.js";
import { useIsomorphicLayoutEffect } from "./useIsomorphicLayoutEffect.js";
import { useOpenRouterAuthConfig } from "./useOpenRouterAuthConfig.js";

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
