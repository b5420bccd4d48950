"use client";
import type { HTMLAttributes } from "react";
import { connectMessageText } from "../core/messages.js";
import { useAuthCallback, type UseAuthCallbackOptions } from "./useAuthCallback.js";

export interface AuthCallbackProps extends UseAuthCallbackOptions, Omit<HTMLAttributes<HTMLParagraphElement>, "onError"> {}

/**
 * Render this on the route your `callbackUrl` points at. It completes a redirect
 * flow (`onKey` gets the key, `onConnected` its hint) or relays a popup's code to the opener and
 * closes the popup, and says what happened in a polite live region. `data-state` is the status,
 * or `relayed`.
 */
export function AuthCallback({ onKey, onConnected, onError, onStatusChange, timeoutMs, exchangeUrl, ...props }: AuthCallbackProps) {
  const { status, message, error, relayed } = useAuthCallback({ onKey, onConnected, onError, onStatusChange, timeoutMs, exchangeUrl });
  return (
    <p role="status" aria-live="polite" data-state={relayed ? "relayed" : status} {...props}>
      {connectMessageText(message, error)}
    </p>
  );
}
