import { browserWindow } from "./browser.js";

// How a callback page hands a code back to the window that holds the verifier:
// postMessage to the opener (checked for origin and source), and a BroadcastChannel
// on the app's origin for when the provider's Cross-Origin-Opener-Policy severed
// `window.opener`. Both carry the attempt id, so a message for another attempt is ignored.

export const CALLBACK_MESSAGE_TYPE = "openrouter-connect:callback";
export const CHANNEL_NAME = "openrouter-connect";

export interface CallbackMessage {
  type: typeof CALLBACK_MESSAGE_TYPE;
  attemptId: string | null;
  code?: string;
  error?: string;
}

export function isCallbackMessage(value: unknown): value is CallbackMessage {
  if (!value || typeof value !== "object") return false;
  const message = value as Record<string, unknown>;
  return (
    message.type === CALLBACK_MESSAGE_TYPE &&
    (message.attemptId === null || typeof message.attemptId === "string") &&
    (typeof message.code === "string" || typeof message.error === "string")
  );
}

function openChannel(): BroadcastChannel | undefined {
  try {
    return new BroadcastChannel(CHANNEL_NAME);
  } catch {
    return undefined; // no BroadcastChannel here (or it refused): postMessage alone
  }
}

/** From the callback page: sends the outcome to the opener and to every window of this origin. */
export function relayToOpener(message: Omit<CallbackMessage, "type">): void {
  const win = browserWindow();
  if (!win) return;
  const data: CallbackMessage = { type: CALLBACK_MESSAGE_TYPE, ...message };
  try {
    // Target our own origin: an opener on another origin never receives the code.
    win.opener?.postMessage(data, win.location.origin);
  } catch {
    // opener gone or cross-origin: the channel below still carries it
  }
  if (message.attemptId) {
    const channel = openChannel();
    channel?.postMessage(data);
    channel?.close();
  }
}

/**
 * In the window that started `attemptId`: calls `onMessage` for messages about it,
 * from `popup` (postMessage) or from any window of this origin (channel). Returns a
 * function that stops listening.
 */
export function listenForCallback(attemptId: string, popup: Window, onMessage: (message: CallbackMessage) => void): () => void {
  const win = browserWindow();
  if (!win) return () => {};
  const channel = openChannel();
  const listener = (event: MessageEvent) => {
    const data = event.data;
    if (!isCallbackMessage(data)) return;
    // The channel carries only this attempt's id; postMessage must come from our popup on our
    // origin, with this attempt's id or none (a callback page that lost its marker).
    if (
      event.target === channel
        ? data.attemptId === attemptId
        : event.origin === win.location.origin && event.source === popup && (data.attemptId === null || data.attemptId === attemptId)
    ) {
      onMessage(data);
    }
  };
  win.addEventListener("message", listener);
  channel?.addEventListener("message", listener);
  return () => {
    win.removeEventListener("message", listener);
    channel?.close();
  };
}
