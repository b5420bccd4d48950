import type { ConnectSnapshot } from "./connect-flow.js";

// What a flow is before any attempt, and how it calls its users back: shared by ConnectFlow and a
// button that shows the same before its flow part has loaded.

/** A flow with no attempt. */
export const IDLE_SNAPSHOT: ConnectSnapshot = Object.freeze({
  status: "idle",
  message: undefined,
  canCancel: false,
  result: undefined,
  connected: undefined,
  error: undefined,
  mode: undefined,
  fallback: undefined,
  pasteUrl: undefined,
  relayed: false,
});

/** Calls a user's callback: one that throws must not break the flow, so its error surfaces asynchronously. */
export function safely(callback: (() => void) | undefined): void {
  try {
    callback?.();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
