"use client";
import { useMemo } from "react";
import { resolveConnectMessages, type ConnectMessages } from "../core/messages.js";
import { useAuthSettings } from "./context.js";

/**
 * The texts in effect here: English, under the nearest `OpenRouterAuthProvider`'s `messages`, under
 * `messages` (a component's own), key by key. For a UI of your own on `useOpenRouterConnect`:
 * `connectStatusText(flow, useConnectMessages())`.
 */
export function useConnectMessages(messages?: Partial<ConnectMessages>): ConnectMessages {
  const provided = useAuthSettings().messages;
  return useMemo(() => resolveConnectMessages(...provided, messages), [provided, messages]);
}
