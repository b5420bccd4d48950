"use client";
import { flowPart } from "./flow-part.js";
import { provideFlowPart } from "./flow-registry.js";
import { useOpenRouterConnect, type UseOpenRouterConnectOptions, type UseOpenRouterConnectResult } from "./useOpenRouterConnect.js";

// A page that finishes callbacks needs its flow at once (the default callback page is the
// button's own page): it brings ConnectButton's flow part with it, and its buttons use that one
// synchronously instead of loading it on first interaction.
provideFlowPart(flowPart);

export type UseAuthCallbackOptions = Pick<UseOpenRouterConnectOptions, "onKey" | "onConnected" | "onError" | "onStatusChange" | "timeoutMs" | "exchangeUrl">;
export type UseAuthCallbackResult = Pick<UseOpenRouterConnectResult, "status" | "message" | "result" | "connected" | "error" | "relayed">;

/**
 * For a callback route of its own: finishes a redirect flow that came back here,
 * or hands a popup's code to its opener and closes the popup. Once per page load.
 */
export function useAuthCallback(options: UseAuthCallbackOptions = {}): UseAuthCallbackResult {
  const { status, message, result, connected, error, relayed } = useOpenRouterConnect(options);
  return { status, message, result, connected, error, relayed };
}
