"use client";
import { useOpenRouterConnect, type UseOpenRouterConnectOptions, type UseOpenRouterConnectResult } from "./useOpenRouterConnect.js";

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
