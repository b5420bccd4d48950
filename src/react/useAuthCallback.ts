"use client";
import { useOpenRouterConnect, type UseOpenRouterConnectOptions, type UseOpenRouterConnectResult } from "./useOpenRouterConnect.js";

export type UseAuthCallbackOptions = Pick<UseOpenRouterConnectOptions, "onKey" | "onError" | "onStatusChange" | "timeoutMs">;
export type UseAuthCallbackResult = Pick<UseOpenRouterConnectResult, "status" | "result" | "error" | "relayed">;

/**
 * For a callback route of its own: finishes a redirect flow that came back here,
 * or hands a popup's code to its opener and closes the popup. Once per page load.
 */
export function useAuthCallback(options: UseAuthCallbackOptions = {}): UseAuthCallbackResult {
  const { status, result, error, relayed } = useOpenRouterConnect(options);
  return { status, result, error, relayed };
}
