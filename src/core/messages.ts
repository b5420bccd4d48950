import type { OpenRouterAuthError } from "./errors.js";

/**
 * What a connect flow's live region says now (`ConnectSnapshot.message`): one id per distinct text.
 * `error` takes its text from the error itself.
 */
export type ConnectMessageId =
  | "opening"
  | "creating-code"
  | "awaiting-popup"
  | "popup-hidden"
  | "redirecting"
  | "awaiting-paste"
  | "exchanging"
  | "connected"
  | "relayed"
  | "error";

/**
 * Every text `ConnectButton` and `AuthCallback` show, in English, in one place. The keys named
 * like a `ConnectMessageId` are what the live region says for that id; the others are labels.
 * Error texts come from the errors (`error.message`; match on `error.code` to word them yourself).
 */
export const connectMessages = {
  opening: "Opening OpenRouter…",
  "creating-code": "Creating an authorization code…",
  "awaiting-popup": "Waiting for your approval in the OpenRouter window…",
  "popup-hidden": "The OpenRouter window is out of sight. Closed it? Try again, or cancel.",
  redirecting: "Redirecting to OpenRouter…",
  "awaiting-paste": "Approve on OpenRouter, then paste the code it shows.",
  exchanging: "Creating your key…",
  connected: "Connected to OpenRouter.",
  /** A popup's callback page that handed its answer back (a code, or a refusal) to the window that asked. */
  relayed: "Done. You can close this window.",
  /** For an error without a message of its own. */
  error: "Something went wrong.",

  /** The button's label (its accessible name, also while busy). */
  connect: "Connect OpenRouter",
  /** The button's label once connected. */
  connectedLabel: "Connected",
  /** …with `showBalance`, `amount` formatted as currency. */
  connectedWithBalance: (amount: string) => `Connected · ${amount} left`,
  cancel: "Cancel",
  tryAgain: "Try again",
  continueInThisTab: "Continue in this tab",
  pasteInstead: "Paste a code instead",
  pasteLabel: "Paste the code from OpenRouter",
  submitCode: "Submit code",
  openConsentPage: "Open OpenRouter",
  disconnect: "Disconnect",
  /** After Disconnect: the key still works on OpenRouter until it is revoked there. */
  forgotten: "Forgotten on this device. The key keeps working until you revoke it.",
  revoke: "Revoke it on OpenRouter",
  /** The title of the window that opens, for the moment before OpenRouter's page shows in it. */
  windowTitle: "OpenRouter",
};

/** What the live region says for `message` (`error`'s text from the error), or "" for none. */
export function connectMessageText(message: ConnectMessageId | undefined, error?: OpenRouterAuthError): string {
  return message === "error" ? error?.message || connectMessages.error : message ? connectMessages[message] : "";
}
