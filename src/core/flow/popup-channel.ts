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
    return typeof BroadcastChannel === "undefined" ? undefined : new BroadcastChannel(CHANNEL_NAME);
  } catch {
    return undefined;
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
export function listenForCallback(
  attemptId: string,
  popup: Window | null,
  onMessage: (message: CallbackMessage) => void,
): () => void {
  const win = browserWindow();
  if (!win) return () => {};
  const onWindowMessage = (event: MessageEvent) => {
    if (event.origin !== win.location.origin || !isCallbackMessage(event.data)) return;
    if (!popup || event.source !== popup) return;
    if (event.data.attemptId !== null && event.data.attemptId !== attemptId) return;
    onMessage(event.data);
  };
  const channel = openChannel();
  const onChannelMessage = (event: MessageEvent) => {
    if (isCallbackMessage(event.data) && event.data.attemptId === attemptId) onMessage(event.data);
  };
  win.addEventListener("message", onWindowMessage);
  channel?.addEventListener("message", onChannelMessage);
  return () => {
    win.removeEventListener("message", onWindowMessage);
    channel?.close();
  };
}
