import type { OpenRouterAuthError, OpenRouterAuthErrorCode } from "./errors.js";
import { defaultIdleMessages, resolveMessages, type ConnectIdleMessages } from "./idle-messages.js";

export { defaultIdleMessages, type ConnectIdleMessages } from "./idle-messages.js";

// Every word the library shows or announces, in one flat table of strings: a translation is plain
// data (JSON-able), and `Partial<ConnectMessages>` overrides it key by key. No zod here: the table,
// and any locale built on it, loads on its own. The idle texts (a button's first paint) live in
// idle-messages.ts, so a button that has not run a flow yet loads only those.

/**
 * What a connect flow's live region says now (`ConnectSnapshot.message`): one id per distinct text.
 * `error` takes its text from the error's `code`.
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

/** The live region's text for each `ConnectMessageId`, and the texts of a running flow. */
export interface ConnectFlowMessages {
  /** A consent window opens (also the placeholder text inside the popup until OpenRouter's page shows). */
  opening: string;
  /** Minted flow: the code is being created. */
  "creating-code": string;
  /** The consent page is open in a popup. */
  "awaiting-popup": string;
  /** The popup can't be seen any more (closed, or hidden by the provider) while this page has focus. */
  "popup-hidden": string;
  /** This tab leaves for the consent page. */
  redirecting: string;
  /** Paste mode: the consent page is open in a new tab; the code is pasted here. */
  "awaiting-paste": string;
  /** The code is being exchanged for the key. */
  exchanging: string;
  /** Done. */
  connected: string;
  /** A popup's callback page (`AuthCallback`) handed its answer to the window that opened it. */
  relayed: string;
  /** For an error whose code has no text (an error from a newer copy of this library). */
  error: string;
  /** Ends a wait (`canCancel`). */
  cancel: string;
  /** While the popup is out of sight: opens a new window. */
  tryAgain: string;
  /** After `popup_blocked`: the redirect flow instead. */
  continueInThisTab: string;
  /** After `popup_blocked` inside a frame: the paste flow instead. */
  pasteInstead: string;
  /** The paste form's field label. */
  pasteLabel: string;
  /** The paste form's submit button. */
  submitCode: string;
  /** The paste form's link to the consent page, in case the new tab did not open. */
  openConsentPage: string;
  /** The popup's title until OpenRouter's page shows in it. */
  windowTitle: string;
}

/**
 * What the user reads for each error, by `error.code` (`error.message` stays the developer's
 * English detail, for logs). Keys are the codes themselves.
 */
export type ConnectErrorMessages = Record<OpenRouterAuthErrorCode, string>;

/**
 * Every string `ConnectButton` and `AuthCallback` show or announce: labels, actions, the live
 * region's texts (one per `ConnectMessageId`) and one text per error code. Flat strings, with
 * `{balance}` as the only placeholder, so a translation is plain data and `Partial<ConnectMessages>`
 * overrides it key by key. Ship one with `satisfies ConnectMessages`: a missing key fails the type check.
 */
export interface ConnectMessages extends ConnectIdleMessages, ConnectFlowMessages, ConnectErrorMessages {}

/** The flow's texts in English, and every error's but `load_failed` (an idle text). */
export const defaultFlowMessages: ConnectFlowMessages & Omit<ConnectErrorMessages, keyof ConnectIdleMessages> = {
  opening: "Opening OpenRouter…",
  "creating-code": "Creating an authorization code…",
  "awaiting-popup": "Waiting for your approval in the OpenRouter window…",
  "popup-hidden": "The OpenRouter window is out of sight. Closed it? Try again, or cancel.",
  redirecting: "Redirecting to OpenRouter…",
  "awaiting-paste": "Approve on OpenRouter, then paste the code it shows.",
  exchanging: "Creating your key…",
  connected: "Connected to OpenRouter.",
  relayed: "Done. You can close this window.",
  error: "Something went wrong.",
  cancel: "Cancel",
  tryAgain: "Try again",
  continueInThisTab: "Continue in this tab",
  pasteInstead: "Paste a code instead",
  pasteLabel: "Paste the code from OpenRouter",
  submitCode: "Submit code",
  openConsentPage: "Open OpenRouter",
  windowTitle: "OpenRouter",

  invalid_request: "The request was not valid.",
  unauthorized: "OpenRouter refused this app's credentials.",
  forbidden: "OpenRouter refused this request.",
  invalid_code: "This code is invalid or already used.",
  code_expired: "This code has expired. Start again.",
  invalid_code_challenge_method: "This code does not fit this request. Start again.",
  conflict: "OpenRouter is busy. Try again.",
  rate_limited: "Too many attempts. Wait a moment, then try again.",
  quota_exceeded: "No more new keys for now. Try again later.",
  http_error: "OpenRouter answered with an error.",
  server_error: "OpenRouter had a problem. Try again.",
  network_error: "Could not reach OpenRouter. Try again.",
  invalid_response: "OpenRouter's answer could not be read. Try again.",
  aborted: "The request was stopped.",
  timeout: "This took too long. Try again.",
  unsupported: "This browser can't connect this way.",
  popup_blocked: "The browser blocked the OpenRouter window.",
  popup_closed: "The OpenRouter window was closed before approval.",
  access_denied: "You declined the request on OpenRouter.",
  no_pending_flow: "This page received an authorization code, but this browser did not start a connection for it; it was ignored.",
  cancelled: "Connecting was cancelled.",
};

/** Every text in English: what shows where a translation leaves a key out. */
export const defaultMessages: ConnectMessages = { ...defaultIdleMessages, ...defaultFlowMessages };

/**
 * The table in effect: English, overridden key by key by each of `overrides` in turn (later ones
 * win: `resolveConnectMessages(provider, prop)`). A key that is missing, empty or not a string
 * keeps the text below it; keys the table does not know are ignored.
 */
export function resolveConnectMessages(...overrides: ReadonlyArray<Partial<ConnectMessages> | null | undefined>): ConnectMessages {
  return resolveMessages(defaultMessages, overrides);
}

/** `template` with each `{name}` replaced by `values[name]`; an unknown `{name}` stays as it is. */
export function formatMessage(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : placeholder));
}

/**
 * The first well-formed BCP 47 tag among `locales` (canonicalized: `de-de` → `de-DE`), else
 * `en-US`. Never throws: it runs during render, where a bad prop must not break the page.
 */
export function firstLocale(locales?: string | ReadonlyArray<string | null | undefined>): string {
  for (const locale of [locales ?? []].flat()) {
    try {
      if (locale) return Intl.getCanonicalLocales(locale)[0] as string;
    } catch {
      // not a well-formed language tag: try the next one
    }
  }
  return "en-US";
}

/** `amount` dollars for a reader of `locale` (the first usable one, as `firstLocale`): `de-DE` → "7,25 $". */
export function formatBalance(amount: number, locale?: string | ReadonlyArray<string | null | undefined>): string {
  return new Intl.NumberFormat(firstLocale(locale), { style: "currency", currency: "USD" }).format(amount);
}

/**
 * What a live region says for a flow's snapshot (`{ message, error }` of `useOpenRouterConnect`,
 * `useAuthCallback` or `ConnectFlow`), in `messages`: the text for `message`, the error's text by
 * its code when `message` is `error`, or "" when there is nothing to say.
 */
export function connectStatusText(
  { message, error }: { message?: ConnectMessageId | undefined; error?: Pick<OpenRouterAuthError, "code"> | undefined },
  messages: ConnectMessages = defaultMessages,
): string {
  // A code the table lacks (or one named like an Object.prototype member) reads no string: `error`'s text.
  const text: unknown = message === "error" ? error && messages[error.code] : message ? messages[message] : "";
  return typeof text == "string" ? text : messages.error;
}

/** What the user reads for `error`: the table's text for its `code` (`messages.error` for a code it lacks). */
export function connectErrorText(error: Pick<OpenRouterAuthError, "code">, messages: ConnectMessages = defaultMessages): string {
  return connectStatusText({ message: "error", error }, messages);
}

/**
 * @deprecated Use `defaultMessages` (plain strings: `connectedWithBalance` is a template with
 * `{balance}`) or `useConnectMessages()`. Kept for code written against the first table.
 */
export const connectMessages: Omit<ConnectMessages, "connectedWithBalance"> & { connectedWithBalance: (amount: string) => string } = /* @__PURE__ */ Object.assign(
  {},
  defaultMessages,
  { connectedWithBalance: (amount: string) => formatMessage(defaultMessages.connectedWithBalance, { balance: amount }) },
);

/**
 * @deprecated Use `connectStatusText({ message, error }, messages)`, which words an error by its
 * code in the reader's language. This one returns an error's own `message` (the developer's English detail).
 */
export function connectMessageText(message: ConnectMessageId | undefined, error?: OpenRouterAuthError): string {
  return message === "error" ? error?.message || defaultMessages.error : message ? defaultMessages[message] : "";
}
