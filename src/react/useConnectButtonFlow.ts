"use client";
import { useEffect, useId, useState, useSyncExternalStore } from "react";
import type { ConnectSnapshot } from "../core/flow/connect-flow.js";
import { ButtonFlow } from "./button-flow.js";
import { useAuthSettings, useRequiredQueryClient } from "./context.js";
import { useIsomorphicLayoutEffect } from "./useIsomorphicLayoutEffect.js";
import type { UseOpenRouterConnectOptions } from "./useOpenRouterConnect.js";

/**
 * ConnectButton's binding of its flow, `useOpenRouterConnect` for a flow that loads on first
 * interaction (see ButtonFlow): the snapshot, and the store for its actions.
 */
export function useConnectButtonFlow(options: UseOpenRouterConnectOptions): [ConnectSnapshot, ButtonFlow] {
  const input = { options, settings: useAuthSettings(), queryClient: useRequiredQueryClient(), flowId: useId() };
  const [flow] = useState(() => new ButtonFlow(input));
  // Options must be current when a click calls connect(); layout effects run before any event.
  useIsomorphicLayoutEffect(() => flow.setInput(input));
  const snapshot = useSyncExternalStore(flow.subscribe, flow.getSnapshot, flow.getSnapshot);
  useEffect(() => flow.mount(), [flow]);
  return [snapshot, flow];
}
