// The message table on its own: every id and every error code has English text, overrides merge
// key by key (later over earlier, English under all), placeholders fill, balances format by locale.
import { describe, expect, it } from "vitest";
import {
  connectErrorText,
  connectMessages,
  connectMessageText,
  connectStatusText,
  defaultMessages,
  firstLocale,
  formatBalance,
  formatMessage,
  OpenRouterAuthError,
  resolveConnectMessages,
  type ConnectMessageId,
  type ConnectMessages,
  type OpenRouterAuthErrorCode,
} from "../../src/core/index.js";

// Exhaustive by type: adding a code or an id without listing it here fails the type check.
const CODES = Object.keys({
  invalid_request: 1,
  unauthorized: 1,
  forbidden: 1,
  invalid_code: 1,
  code_expired: 1,
  invalid_code_challenge_method: 1,
  conflict: 1,
  rate_limited: 1,
  http_error: 1,
  server_error: 1,
  network_error: 1,
  invalid_response: 1,
  aborted: 1,
  timeout: 1,
  unsupported: 1,
  quota_exceeded: 1,
  load_failed: 1,
  popup_blocked: 1,
  popup_closed: 1,
  access_denied: 1,
  no_pending_flow: 1,
  cancelled: 1,
} satisfies Record<OpenRouterAuthErrorCode, 1>) as OpenRouterAuthErrorCode[];
const IDS = Object.keys({
  opening: 1,
  "creating-code": 1,
  "awaiting-popup": 1,
  "popup-hidden": 1,
  redirecting: 1,
  "awaiting-paste": 1,
  exchanging: 1,
  connected: 1,
  relayed: 1,
  error: 1,
} satisfies Record<ConnectMessageId, 1>) as ConnectMessageId[];

/** A table whose every text names its key: shows which key a text came from. */
const tagged = (tag: string) => Object.fromEntries(Object.keys(defaultMessages).map((key) => [key, `${tag}:${key}`])) as unknown as ConnectMessages;

describe("defaultMessages", () => {
  it("has a non-empty English text for every message id and every error code", () => {
    for (const key of [...IDS, ...CODES]) expect(defaultMessages[key], key).toMatch(/\S/);
    expect(CODES).toHaveLength(22);
  });

  it("is plain data: strings only, JSON round-trips, one placeholder ({balance}) in one key", () => {
    expect(JSON.parse(JSON.stringify(defaultMessages))).toEqual(defaultMessages);
    const placeholders = Object.entries(defaultMessages).filter(([, text]) => text.includes("{"));
    expect(placeholders).toEqual([["connectedWithBalance", "Connected · {balance} left"]]);
  });

  it("user texts for errors never repeat the developer's detail (no status codes, no field paths)", () => {
    for (const code of CODES) expect(defaultMessages[code], code).not.toMatch(/answered \d|HTTP|code_verifier|\w+\.\w+:/);
  });
});

describe("resolveConnectMessages: English under every override, key by key", () => {
  it("with no override is English, as a copy", () => {
    const table = resolveConnectMessages();
    expect(table).toEqual(defaultMessages);
    expect(table).not.toBe(defaultMessages);
  });

  it("later overrides win, each only for the keys it sets: prop > provider > English", () => {
    const provider = { connect: "Provider connect", cancel: "Provider cancel" };
    const prop = { connect: "Prop connect" };
    const table = resolveConnectMessages(provider, prop);
    expect(table.connect).toBe("Prop connect");
    expect(table.cancel).toBe("Provider cancel");
    expect(table.disconnect).toBe(defaultMessages.disconnect);
  });

  it.each([
    ["an empty string", ""],
    ["whitespace only", "   \n"],
    ["a number", 42],
    ["null", null],
    ["a function", () => "x"],
    ["an object", { toString: () => "x" }],
  ])("falls back past %s, never to an empty text or the key's name", (_, bad) => {
    const provider = { cancel: "Abbrechen" };
    const table = resolveConnectMessages(provider, { cancel: bad, tryAgain: bad } as unknown as Partial<ConnectMessages>);
    expect(table.cancel).toBe("Abbrechen");
    expect(table.tryAgain).toBe(defaultMessages.tryAgain);
  });

  it("ignores undefined and null layers, unknown keys and prototype keys from parsed JSON", () => {
    const hostile = JSON.parse('{"__proto__": {"connect": "polluted"}, "constructor": "x", "nope": "y", "submitCode": "Senden"}');
    const table = resolveConnectMessages(undefined, null, hostile);
    expect(table.submitCode).toBe("Senden");
    expect(table.connect).toBe(defaultMessages.connect);
    expect(Object.keys(table).sort()).toEqual(Object.keys(defaultMessages).sort());
    expect(({} as Record<string, unknown>).connect).toBeUndefined();
  });
});

describe("formatMessage", () => {
  it("fills every occurrence of each placeholder and leaves unknown ones as they are", () => {
    expect(formatMessage("{balance} · {balance} · {other}", { balance: "7,25 $" })).toBe("7,25 $ · 7,25 $ · {other}");
    expect(formatMessage(defaultMessages.connectedWithBalance, { balance: "$7.25" })).toBe("Connected · $7.25 left");
    expect(formatMessage("{n} left", { n: 3 })).toBe("3 left");
  });

  it("takes values literally ($& and $1 are not patterns) and never reads inherited names", () => {
    expect(formatMessage("[{balance}]", { balance: "$&$1$$" })).toBe("[$&$1$$]");
    expect(formatMessage("{constructor}{toString}", {})).toBe("{constructor}{toString}");
  });
});

describe("connectStatusText / connectErrorText: what the user reads", () => {
  it("words every message id from the given table", () => {
    const table = tagged("t");
    for (const id of IDS.filter((id) => id !== "error")) expect(connectStatusText({ message: id }, table)).toBe(`t:${id}`);
    expect(connectStatusText({ message: undefined }, table)).toBe("");
    expect(connectStatusText({})).toBe("");
  });

  it("words every error by its code, never by its message", () => {
    const table = tagged("t");
    for (const code of CODES) {
      const error = new OpenRouterAuthError(code, "developer detail");
      expect(connectStatusText({ message: "error", error }, table)).toBe(`t:${code}`);
      expect(connectErrorText(error, table)).toBe(`t:${code}`);
      expect(connectErrorText(error)).toBe(defaultMessages[code]);
    }
  });

  it("an error without a text of its own (a code from a newer copy, or none) reads messages.error", () => {
    const table = tagged("t");
    expect(connectStatusText({ message: "error" }, table)).toBe("t:error");
    expect(connectErrorText({ code: "brand_new_code" as OpenRouterAuthErrorCode }, table)).toBe("t:error");
    expect(connectErrorText({ code: "constructor" as OpenRouterAuthErrorCode }, table)).toBe("t:error");
  });
});

describe("formatBalance / firstLocale: the reader's number format, never a throw", () => {
  it("formats US dollars for the locale", () => {
    expect(formatBalance(7.25, "de-DE")).toBe("7,25\u00a0$");
    expect(formatBalance(7.25, "en-US")).toBe("$7.25");
    expect(formatBalance(1234.5, "fr-FR")).toBe("1\u202f234,50\u00a0$US");
    expect(formatBalance(7.25, "ja-JP")).toBe("$7.25");
  });

  it("skips tags that are missing or malformed, and ends at en-US", () => {
    expect(firstLocale([undefined, "", "not a locale!", "de-de"])).toBe("de-DE");
    expect(firstLocale(["en_US", null])).toBe("en-US");
    expect(firstLocale("x".repeat(300))).toBe("en-US");
    expect(firstLocale()).toBe("en-US");
    expect(formatBalance(7.25, ["??", "de-DE"])).toBe("7,25\u00a0$");
    expect(formatBalance(7.25, "??")).toBe("$7.25");
    expect(formatBalance(7.25, 42 as unknown as string)).toBe("$7.25");
  });
});

describe("the first table, deprecated but working", () => {
  it("connectMessages keeps its shape (connectedWithBalance a function) and its texts", () => {
    expect(connectMessages.connectedWithBalance("$7.25")).toBe("Connected · $7.25 left");
    expect(connectMessages["awaiting-popup"]).toBe(defaultMessages["awaiting-popup"]);
  });

  it("connectMessageText still returns an error's own message", () => {
    expect(connectMessageText("error", new OpenRouterAuthError("timeout", "No answer within 1 s; please try again."))).toBe("No answer within 1 s; please try again.");
    expect(connectMessageText("exchanging")).toBe(defaultMessages.exchanging);
  });
});
