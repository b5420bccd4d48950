"use client";
import type { HTMLAttributes } from "react";
import { connectStatusText, type ConnectMessages } from "../core/messages.js";
import { useAuthCallback, type UseAuthCallbackOptions } from "./useAuthCallback.js";
import { useConnectMessages } from "./useConnectMessages.js";

export interface AuthCallbackProps extends UseAuthCallbackOptions, Omit<HTMLAttributes<HTMLParagraphElement>, "onError"> {
  /** Its texts (`relayed`, `exchanging`, `connected`, the errors'), over the provider's `messages` key by key. */
  messages?: Partial<ConnectMessages>;
}

/**
 * Render this on the route your `callbackUrl` points at. It completes a redirect
 * flow (`onKey` gets the key, `onConnected` its hint) or relays a popup's code to the opener and
 * closes the popup, and says what happened in a polite live region. `data-state` is the status,
 * or `relayed`.
 */
export function AuthCallback({ onKey, onConnected, onError, onStatusChange, timeoutMs, exchangeUrl, messages, ...props }: AuthCallbackProps) {
  const flow = useAuthCallback({ onKey, onConnected, onError, onStatusChange, timeoutMs, exchangeUrl });
  const text = connectStatusText(flow, useConnectMessages(messages));
  return (
    <p role="status" aria-live="polite" data-state={flow.relayed ? "relayed" : flow.status} {...props}>
      {text}
    </p>
  );
}
