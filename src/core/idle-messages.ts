// The texts of a button's first paint, apart from the rest of the table (messages.ts):
// `ConnectButton` shows these before its flow part has loaded, so they must not pull the flow's
// texts in. No runtime imports.

/**
 * What the button says while idle or connected (its first paint), and the one error it can show
 * before its flow part is here: the rest only shows once a flow runs.
 */
export interface ConnectIdleMessages {
  /** The button's label, and its accessible name while busy. */
  connect: string;
  /** The button's label once connected. */
  connectedLabel: string;
  /** The label once connected, with `showBalance`: `{balance}` is the credit left, formatted as currency for `locale`. */
  connectedWithBalance: string;
  /** Forgets a kept key on this device (with `persist`). */
  disconnect: string;
  /** Announced after Disconnect: the key still works on OpenRouter until it is revoked there. */
  forgotten: string;
  /** The link to OpenRouter's keys page shown after Disconnect. */
  revoke: string;
  /**
   * The error `load_failed`: the button's flow part did not load (offline, a CSP refusing it). A
   * click tries again; Firefox keeps a failed load until the page reloads, so the text says both.
   */
  load_failed: string;
}

/** The idle texts in English, apart from the flow's, so a first paint can do without the rest. */
export const defaultIdleMessages: ConnectIdleMessages = {
  connect: "Connect OpenRouter",
  connectedLabel: "Connected",
  connectedWithBalance: "Connected · {balance} left",
  disconnect: "Disconnect",
  forgotten: "Forgotten on this device. The key keeps working until you revoke it.",
  revoke: "Revoke it on OpenRouter",
  load_failed: "Part of this page did not load. Check your connection, then try again or reload the page.",
};

/** A usable text: a string with something in it (an empty or non-string override falls back). */
const usable = (value: unknown): value is string => typeof value == "string" && !!value.trim();

/**
 * `defaults` overridden key by key by each of `overrides` in turn (later ones win). A key that is
 * missing, empty or not a string keeps the text below it; keys `defaults` does not have are ignored.
 */
export function resolveMessages<T extends { [K in keyof T]: string }>(defaults: T, overrides: ReadonlyArray<Partial<T> | null | undefined>): T {
  const table = { ...defaults };
  let key: keyof T;
  for (key in table) {
    for (const override of overrides) {
      const text = override?.[key];
      if (usable(text)) table[key] = text as T[keyof T];
    }
  }
  return table;
}
