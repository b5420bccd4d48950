"use client";
import type { HTMLAttributes } from "react";
import { useAuthCallback, type UseAuthCallbackOptions } from "./useAuthCallback.js";

export interface AuthCallbackProps extends UseAuthCallbackOptions, Omit<HTMLAttributes<HTMLParagraphElement>, "onError"> {}

/**
 * Render this on the route your `callbackUrl` points at. It completes a redirect
 * flow (`onKey` gets the key) or relays a popup's code to the opener and closes
 * the popup, and says what happened in a polite live region.
 */
export function AuthCallback({ onKey, onError, onStatusChange, timeoutMs, ...props }: AuthCallbackProps) {
  const { status, error, relayed } = useAuthCallback({ onKey, onError, onStatusChange, timeoutMs });
  const text = relayed
    ? "Approved. You can close this window."
    : status === "exchanging"
      ? "Finishing the connection to OpenRouter…"
      : status === "connected"
        ? "Connected to OpenRouter."
        : status === "error"
          ? (error?.message ?? "Connecting to OpenRouter failed.")
          : "";
  return (
    <p role="status" aria-live="polite" data-state={relayed ? "relayed" : status} {...props}>
      {text}
    </p>
  );
}
