// @vitest-environment jsdom
//
// A generated matrix: every field of every request (createAuthCode, exchangeAuthCode,
// buildAuthorizationUrl, buildHeadlessAuthorizationUrl, and ConnectButton's `mint`,
// `limit`, `callbackUrl` and `codeChallengeMethod` props) × hostile values: very long
// strings, control characters, whitespace, NaN, ±Infinity, negative and huge limits,
// timestamps without seconds, impossible dates, unknown enum values, prototype-polluting
// keys (`__proto__` via JSON.parse, `constructor`, `prototype`), throwing getters and
// non-objects. Each must end in a typed OpenRouterAuthError `invalid_request` naming the
// field, with no request sent (fetch spy), no window opened, and nothing thrown past the
// library's boundary (the button reports through onError and keeps rendering).
// A few valid edge values go through the same harness and must be accepted, so the
// matrix cannot pass by refusing everything.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { Component, createElement, type ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  buildAuthorizationUrl,
  buildHeadlessAuthorizationUrl,
  ConnectButton,
  createOpenRouterAuthClient,
  isOpenRouterAuthError,
  MAX_CALLBACK_URL_LENGTH,
  MAX_LIMIT,
  OpenRouterAuthError,
  OpenRouterAuthProvider,
} from "../../src/index.js";
import { resetCallbackState } from "../../src/core/flow/callback.js";

const CB = "https://app.example/auth/callback";
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const UUID = "0b8f6e0c-3a4d-4c1e-9f57-2d9d4a1b7e10";

type Case = readonly [label: string, value: unknown];

// ------------------------------------------------------------------ hostile values

const long = (n: number, unit = "a") => unit.repeat(n);
function trappedProxy(): object {
  const trap = () => {
    throw new Error("hostile trap");
  };
  return new Proxy({}, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });
}
const CONTROL = ["\u0000", "\u0007", "\b", "\t", "\n", "\r", "\u001b", "\u007f", "\u0085", "\u009f"];
const CONTROL_NAMES = ["NUL", "BEL", "BS", "TAB", "LF", "CR", "ESC", "DEL", "NEL (C1)", "APC (C1)"];
/** A different value of a type no field accepts, plus the classic wrong types. */
const notAString: Case[] = [
  ["null", null],
  ["true", true],
  ["0", 0],
  ["NaN", NaN],
  ["an array", ["x"]],
  ["an empty object", {}],
  ["a function", () => "x"],
  ["a symbol", Symbol("x")],
  ["a bigint", 10n],
  ["a Date", new Date(0)],
  ["Object.create(null)", Object.create(null)],
  ["an object with a throwing toString", { toString: () => { throw new Error("hostile toString"); } }],
  ["a Proxy whose traps throw", trappedProxy()],
];
const boxed = (valid: string): Case => ["a String object", new String(valid)];
const withControl = (valid: string, at: "start" | "middle" | "end" = "end"): Case[] =>
  CONTROL.map((c, i) => [`${at === "end" ? "trailing" : at} ${CONTROL_NAMES[i]}`, at === "start" ? c + valid : at === "middle" ? valid.slice(0, 3) + c + valid.slice(3) : valid + c]);
const badNumbers: Case[] = [
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["-1", -1],
  ["-0.000001", -1e-6],
  ["-Number.MAX_VALUE", -Number.MAX_VALUE],
  ["MAX_LIMIT + 1", MAX_LIMIT + 1],
  ["1e308", 1e308],
  ["Number.MAX_VALUE", Number.MAX_VALUE],
  ["the string '5'", "5"],
  ["an empty string", ""],
  ["null", null],
  ["true", true],
  ["a bigint", 5n],
  ["a Number object", new Number(5)],
  ["an array [5]", [5]],
  ["a symbol", Symbol("5")],
];
const badCallbackUrls: Case[] = [
  [`${MAX_CALLBACK_URL_LENGTH + 1} characters`, `https://app.example/${long(MAX_CALLBACK_URL_LENGTH + 1 - "https://app.example/".length)}`],
  ["1,000,000 characters", `https://app.example/${long(1_000_000)}`],
  ["a leading space", ` ${CB}`],
  ["a trailing space", `${CB} `],
  ["a space inside", "https://app.example/auth call"],
  ["a no-break space", "https://app.example/auth\u00a0call"],
  ["a line separator", "https://app.example/auth\u2028call"],
  ...withControl(CB, "end").map(([l, v]) => [`a ${l}`, v] as Case),
  ...withControl(CB, "middle").map(([l, v]) => [`a ${l}`, v] as Case),
  ["javascript:", "javascript:alert(1)"],
  ["data:", "data:text/html,<script>alert(1)</script>"],
  ["file:", "file:///etc/passwd"],
  ["ftp:", "ftp://app.example/cb"],
  ["http on a public host", "http://app.example/cb"],
  ["http on a look-alike of localhost", "http://localhost.evil.example/cb"],
  ["credentials", "https://user:secret@app.example/cb"],
  ["a fragment", `${CB}#frag`],
  ["a relative path", "/auth/callback"],
  ["a protocol-relative URL", "//app.example/cb"],
  ["an empty string", ""],
  ["https:// alone", "https://"],
  boxed(CB),
  ...notAString,
];
const badChallenges = (valid: string): Case[] => [
  ["42 characters", valid.slice(0, 42)],
  ["129 characters", long(129, "A")],
  ["1,000,000 characters", long(1_000_000, "A")],
  ["a '+'", `${valid.slice(0, 42)}+`],
  ["a '/'", `${valid.slice(0, 42)}/`],
  ["a '=' (padding)", `${valid}=`],
  ["a space", `${valid.slice(0, 20)} ${valid.slice(21)}`],
  ["non-ASCII letters", `${valid.slice(0, 42)}é`],
  ...withControl(valid, "end"),
  ["an empty string", ""],
  boxed(valid),
  ...notAString,
];
const badMethods: Case[] = [
  ["lower-case s256", "s256"],
  ["S512", "S512"],
  ["SHA-256", "SHA-256"],
  ["PLAIN", "PLAIN"],
  ["a padded ' S256'", " S256"],
  ["S256 + NUL", "S256\u0000"],
  ["an empty string", ""],
  ["__proto__", "__proto__"],
  ["constructor", "constructor"],
  ["toString", "toString"],
  boxed("S256"),
  ...notAString,
];
const badUsageLimitTypes: Case[] = [
  ["yearly", "yearly"],
  ["Daily", "Daily"],
  ["'daily '", "daily "],
  ["hourly", "hourly"],
  ["an empty string", ""],
  ["__proto__", "__proto__"],
  ["constructor", "constructor"],
  ["hasOwnProperty", "hasOwnProperty"],
  boxed("daily"),
  ...notAString,
];
const badLabels: Case[] = [
  ["101 characters", long(101)],
  ["1,000,000 characters", long(1_000_000)],
  ["an empty string", ""],
  ["only spaces", "   "],
  ...withControl("My app", "end"),
  ...withControl("My app", "start"),
  ...withControl("My app", "middle"),
  boxed("My app"),
  ...notAString,
];
const badTimestamps: Case[] = [
  ["no seconds", "2030-12-31T23:59Z"],
  ["a date only", "2030-12-31"],
  ["no zone", "2030-12-31T23:59:59"],
  ["an offset instead of Z", "2030-12-31T23:59:59+01:00"],
  ["lower-case t and z", "2030-12-31t23:59:59z"],
  ["February 30th", "2030-02-30T00:00:00Z"],
  ["24:00:00", "2030-12-31T24:00:00Z"],
  ["second 60", "2030-12-31T23:59:60Z"],
  ["a six-digit year", "+010000-01-01T00:00:00Z"],
  ["ten fraction digits", "2030-12-31T23:59:59.0123456789Z"],
  ["a trailing LF", "2030-12-31T23:59:59Z\n"],
  ["a leading space", " 2030-12-31T23:59:59Z"],
  ["'now'", "now"],
  ["an empty string", ""],
  ["1,000,000 characters", long(1_000_000, "9")],
  ["an Invalid Date", new Date(NaN)],
  ["a Date in year 275760", new Date(8.64e15)],
  ["a Date before year 0", new Date(-62198755200001)],
  ["epoch milliseconds", 1_924_991_999_000],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["true", true],
  ["an array", ["2030-12-31T23:59:59Z"]],
  ["an object", { toISOString: () => "2030-12-31T23:59:59Z" }],
  ["a symbol", Symbol("t")],
];
const badUuids: Case[] = [
  ["not a UUID", "not-a-uuid"],
  ["braces", `{${UUID}}`],
  ["no dashes", UUID.replace(/-/g, "")],
  ["a trailing LF", `${UUID}\n`],
  ["a leading space", ` ${UUID}`],
  ["an empty string", ""],
  ["1,000,000 characters", long(1_000_000, "0")],
  boxed(UUID),
  ...notAString,
];
const badCodes: Case[] = [
  ["an empty string", ""],
  ["a space", "auth code"],
  ["only spaces", "   "],
  ["513 characters", long(513)],
  ["1,000,000 characters", long(1_000_000)],
  ...withControl("auth_code_abc", "end"),
  ...withControl("auth_code_abc", "middle"),
  ["a no-break space", "auth\u00a0code"],
  boxed("auth_code_abc"),
  ...notAString,
];
const badAuthUrls: Case[] = [
  ["javascript:", "javascript:alert(1)"],
  ["data:", "data:text/html,x"],
  ["not a URL", "openrouter.ai/auth"],
  ["an empty string", ""],
  ["null", null],
  ["a symbol", Symbol("u")],
  ["an object with a throwing toString", { toString: () => { throw new Error("hostile toString"); } }],
];

const pollutedKeys = (): Case[] => [
  ["__proto__ (JSON.parse)", JSON.parse('{"__proto__": {"polluted": true}}')],
  ["constructor", { constructor: { prototype: { polluted: true } } }],
  ["prototype", { prototype: { polluted: true } }],
  ["toString", { toString: "x" }],
  ["hasOwnProperty", { hasOwnProperty: "x" }],
  ["an unknown key", { apiKey: "sk-or-v1-leak" }],
  ["a snake_case twin", { callback_url: CB }],
  ["an empty key", { "": "x" }],
  ["a NUL key", { "\u0000": "x" }],
];
const notAnObject: Case[] = [
  ["null", null],
  ["undefined", undefined],
  ["42", 42],
  ["true", true],
  ["a string", "callbackUrl"],
  ["an array", [CB]],
  ["a function", () => ({ callbackUrl: CB })],
  ["a symbol", Symbol("req")],
  ["a Date", new Date()],
];

// ------------------------------------------------------------------ requests

interface Field {
  name: string;
  bad: Case[];
  /** Valid edge values: the same harness must accept these. */
  good?: Case[];
}
interface Operation {
  name: string;
  base: () => Record<string, unknown>;
  fields: Field[];
  /** Whether keys the request does not know are refused. */
  strictKeys: boolean;
}

const createFields: Field[] = [
  { name: "callbackUrl", bad: badCallbackUrls, good: [[`exactly ${MAX_CALLBACK_URL_LENGTH} characters`, `https://app.example/${long(MAX_CALLBACK_URL_LENGTH - "https://app.example/".length)}`], ["http on 127.0.0.1", "http://127.0.0.1:3000/cb"]] },
  { name: "codeChallenge", bad: badChallenges(CHALLENGE), good: [["128 characters", long(128, "A")]] },
  { name: "codeChallengeMethod", bad: badMethods, good: [["plain", "plain"]] },
  { name: "limit", bad: badNumbers, good: [["0", 0], ["MAX_LIMIT", MAX_LIMIT], ["0.01", 0.01]] },
  { name: "expiresAt", bad: badTimestamps, good: [["null", null], ["a Date", new Date("2030-12-31T23:59:59Z")], ["milliseconds", "2030-12-31T23:59:59.123Z"]] },
  { name: "keyLabel", bad: badLabels, good: [["100 characters", long(100)], ["emoji", "My app 🔑"]] },
  { name: "usageLimitType", bad: badUsageLimitTypes, good: [["weekly", "weekly"]] },
  { name: "workspaceId", bad: badUuids, good: [["upper-case", UUID.toUpperCase()]] },
];

const operations: Operation[] = [
  {
    name: "createAuthCode",
    base: () => ({ callbackUrl: CB, codeChallenge: CHALLENGE, codeChallengeMethod: "S256", limit: 5, keyLabel: "My app", usageLimitType: "monthly", workspaceId: UUID, expiresAt: "2030-12-31T23:59:59Z" }),
    fields: createFields,
    strictKeys: true,
  },
  {
    name: "exchangeAuthCode",
    base: () => ({ code: "auth_code_abc", codeVerifier: VERIFIER, codeChallengeMethod: "S256" }),
    fields: [
      { name: "code", bad: badCodes, good: [["512 characters", long(512)]] },
      { name: "codeVerifier", bad: badChallenges(VERIFIER), good: [["128 characters", long(128, "~")]] },
      { name: "codeChallengeMethod", bad: badMethods, good: [["plain", "plain"]] },
    ],
    strictKeys: true,
  },
  {
    name: "buildAuthorizationUrl",
    base: () => ({ callbackUrl: CB, codeChallenge: CHALLENGE, codeChallengeMethod: "S256", limit: 5 }),
    fields: [
      { name: "callbackUrl", bad: badCallbackUrls },
      { name: "codeChallenge", bad: badChallenges(CHALLENGE) },
      { name: "codeChallengeMethod", bad: badMethods },
      { name: "limit", bad: badNumbers, good: [["0", 0], ["MAX_LIMIT", MAX_LIMIT]] },
      { name: "authUrl", bad: badAuthUrls, good: [["the emulator's", "http://127.0.0.1:8787/auth"]] },
    ],
    strictKeys: true,
  },
  {
    name: "buildHeadlessAuthorizationUrl",
    base: () => ({ codeChallenge: CHALLENGE, codeChallengeMethod: "S256", keyLabel: "My CLI", limit: 5 }),
    fields: [
      { name: "codeChallenge", bad: badChallenges(CHALLENGE) },
      { name: "codeChallengeMethod", bad: badMethods },
      { name: "keyLabel", bad: badLabels, good: [["100 characters", long(100)]] },
      { name: "limit", bad: badNumbers },
      { name: "authUrl", bad: badAuthUrls },
    ],
    strictKeys: true,
  },
];

/** A request with `field` set to `value`; `undefined` deletes it. */
function withField(base: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const copy = { ...base };
  copy[field] = value;
  return copy;
}

function mergeKeys(base: Record<string, unknown>, extra: unknown): Record<string, unknown> {
  // Object.assign would run the __proto__ setter; define each own key as data instead.
  const out = { ...base };
  for (const key of Reflect.ownKeys(extra as object)) {
    Object.defineProperty(out, key, { value: (extra as Record<PropertyKey, unknown>)[key], enumerable: true, configurable: true, writable: true });
  }
  return out;
}

function throwingGetter(base: Record<string, unknown>, field: string): Record<string, unknown> {
  const copy = { ...base };
  Object.defineProperty(copy, field, { enumerable: true, get: () => { throw new Error("hostile getter"); } });
  return copy;
}

// ------------------------------------------------------------------ harness

const okFetch = () =>
  vi.fn(async (input: RequestInfo | URL) => {
    const body = String(input).endsWith("/auth/keys/code")
      ? { data: { id: "auth_code_xyz", app_id: 1, created_at: "2030-01-01T00:00:00Z" } }
      : { key: "sk-or-v1-fresh", user_id: null };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  });

interface Outcome {
  error: unknown;
  fetchCalls: number;
}

/** Runs one operation; synchronous throws and rejections are both caught and returned. */
async function run(op: string, input: unknown): Promise<Outcome> {
  const fetch = okFetch();
  const client = createOpenRouterAuthClient({ baseUrl: "https://openrouter.test/api/v1", apiKey: "sk-or-v1-test", fetch });
  let error: unknown;
  try {
    if (op === "createAuthCode") await client.createAuthCode(input as never);
    else if (op === "exchangeAuthCode") await client.exchangeAuthCode(input as never);
    else if (op === "buildAuthorizationUrl") buildAuthorizationUrl(input as never);
    else buildHeadlessAuthorizationUrl(input as never);
  } catch (e) {
    error = e;
  }
  return { error, fetchCalls: fetch.mock.calls.length };
}

function expectRefused({ error, fetchCalls }: Outcome, path: PropertyKey[] | undefined) {
  expect(fetchCalls, "no request may be sent").toBe(0);
  expect(error, "a typed OpenRouterAuthError, nothing else").toBeInstanceOf(OpenRouterAuthError);
  const e = error as OpenRouterAuthError;
  expect(e.code).toBe("invalid_request");
  expect(e.retryable).toBe(false);
  expect(e.issues?.length).toBeGreaterThan(0);
  if (path) expect(e.issues?.map((i) => i.path.slice(0, path.length))).toContainEqual(path);
  // The message names what is wrong, never echoes a megabyte of input back.
  expect(e.message.length).toBeLessThan(2_000);
}

describe("core: every field × hostile values", () => {
  afterEach(() => vi.restoreAllMocks());

  for (const op of operations) {
    describe(op.name, () => {
      for (const field of op.fields) {
        it.each(field.bad.map(([label, value]) => [label, value] as const))(`${field.name}: refuses %s`, async (_label, value) => {
          expectRefused(await run(op.name, withField(op.base(), field.name, value)), [field.name]);
        });
        it(`${field.name}: refuses a throwing getter`, async () => {
          expectRefused(await run(op.name, throwingGetter(op.base(), field.name)), undefined);
        });
        if (field.good?.length) {
          it.each(field.good.map(([label, value]) => [label, value] as const))(`${field.name}: accepts %s`, async (_label, value) => {
            const { error, fetchCalls } = await run(op.name, withField(op.base(), field.name, value));
            expect(error).toBeUndefined();
            if (op.name === "createAuthCode" || op.name === "exchangeAuthCode") expect(fetchCalls).toBe(1);
          });
        }
      }
      if (op.strictKeys) {
        it.each(pollutedKeys())("refuses the key %s", async (_label, extra) => {
          const input = mergeKeys(op.base(), extra);
          expectRefused(await run(op.name, input), [Reflect.ownKeys(extra as object)[0] as string]);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        });
      }
      it.each(notAnObject.map(([l, v]) => [l, v] as const))("refuses %s as the whole request", async (_label, value) => {
        expectRefused(await run(op.name, value), undefined);
      });
      it("accepts the valid base request (control)", async () => {
        expect((await run(op.name, op.base())).error).toBeUndefined();
      });
    });
  }

  it("refuses a Proxy whose traps throw, as any request", async () => {
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error("trap"); }, get: () => { throw new Error("trap"); }, has: () => { throw new Error("trap"); }, getOwnPropertyDescriptor: () => { throw new Error("trap"); } });
    for (const op of operations) expectRefused(await run(op.name, hostile), undefined);
  });
});

// ------------------------------------------------------------------ ConnectButton props

class Boundary extends Component<{ children: ReactNode; onCatch: (e: unknown) => void }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: unknown) {
    this.props.onCatch(error);
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

interface ButtonOutcome {
  errors: unknown[];
  fetchCalls: number;
  opened: number;
  /** Entries in session and local storage: a redirect or popup attempt would leave one. */
  stored: number;
  thrown: unknown[];
  keys: number;
}

async function clickWith(props: Record<string, unknown>, settleMs = 0): Promise<ButtonOutcome> {
  const fetch = okFetch();
  const open = vi.spyOn(window, "open").mockImplementation(() => null);
  const thrown: unknown[] = [];
  const errors: unknown[] = [];
  let keys = 0;
  const onWindowError = (event: ErrorEvent) => thrown.push(event.error);
  window.addEventListener("error", onWindowError);
  const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
  try {
    render(
      createElement(
        Boundary,
        { onCatch: (e: unknown) => void thrown.push(e), children: null },
        createElement(
          QueryClientProvider,
          { client: new QueryClient() },
          createElement(
            OpenRouterAuthProvider,
            { baseUrl: "https://openrouter.test/api/v1", authUrl: "https://openrouter.test/auth", apiKey: "sk-or-v1-test", fetch },
            createElement(ConnectButton, {
              ...props,
              onKey: () => void keys++,
              onError: (e: unknown) => void errors.push(e),
            } as never),
          ),
        ),
      ),
    );
    const button = screen.queryByRole("button", { name: /connect openrouter/i });
    if (button) {
      await act(async () => {
        fireEvent.click(button);
        await new Promise((r) => setTimeout(r, settleMs));
      });
    }
  } catch (e) {
    thrown.push(e);
  } finally {
    window.removeEventListener("error", onWindowError);
    consoleError.mockRestore();
  }
  const stored = window.sessionStorage.length + window.localStorage.length;
  return { errors, fetchCalls: fetch.mock.calls.length, opened: open.mock.calls.length, stored, thrown, keys };
}

function expectButtonRefused(outcome: ButtonOutcome, path: PropertyKey[] | undefined) {
  expect(outcome.thrown, "nothing thrown past the button").toEqual([]);
  expect(outcome.fetchCalls, "no request sent").toBe(0);
  expect(outcome.opened, "no window opened").toBe(0);
  expect(outcome.stored, "no attempt recorded (no redirect started)").toBe(0);
  expect(outcome.keys).toBe(0);
  expect(outcome.errors).toHaveLength(1);
  const error = outcome.errors[0];
  expect(isOpenRouterAuthError(error)).toBe(true);
  expect((error as OpenRouterAuthError).code).toBe("invalid_request");
  if (path) expect((error as OpenRouterAuthError).issues?.map((i) => i.path.slice(0, path.length))).toContainEqual(path);
  expect(screen.getByRole("button", { name: /connect openrouter/i })).toHaveAttribute("data-state", "error");
}

const mintFields = createFields.filter((f) => !["callbackUrl", "codeChallenge", "codeChallengeMethod"].includes(f.name));

describe("ConnectButton: hostile props end in onError(invalid_request), before any request or window", () => {
  beforeEach(() => {
    resetCallbackState();
    sessionStorage.clear();
    localStorage.clear();
    window.history.replaceState(null, "", "/app");
  });
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });

  const VALID_MINT = { limit: 5, keyLabel: "My app", usageLimitType: "monthly", expiresAt: "2030-12-31T23:59:59Z", workspaceId: UUID };

  for (const field of mintFields) {
    it.each(field.bad.map(([l, v]) => [l, v] as const))(`mint.${field.name}: refuses %s`, async (_label, value) => {
      expectButtonRefused(await clickWith({ mint: withField(VALID_MINT, field.name, value) }), [field.name]);
    });
  }
  it.each(pollutedKeys())("mint: refuses the key %s", async (_label, extra) => {
    expectButtonRefused(await clickWith({ mint: mergeKeys(VALID_MINT, extra) }), undefined);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it.each([
    ["callbackUrl", { callbackUrl: "https://evil.example/steal" }],
    ["codeChallenge", { codeChallenge: CHALLENGE }],
    ["codeChallengeMethod", { codeChallengeMethod: "plain" }],
  ] as const)("mint: refuses %s, which only the flow may set", async (_label, extra) => {
    expectButtonRefused(await clickWith({ mint: { ...VALID_MINT, ...extra } }), undefined);
  });
  it.each(
    ([["a Proxy whose traps throw", trappedProxy()], ["42", 42], ["true", true], ["a string", "limit"], ["an array", []], ["an array with a value", [5]], ["a function", () => ({})], ["a symbol", Symbol("m")], ["a Date", new Date()]] as Case[]).map(([l, v]) => [l, v] as const),
  )("mint: refuses %s instead of an object", async (_label, value) => {
    expectButtonRefused(await clickWith({ mint: value }), undefined);
  });
  it("mint: refuses a throwing getter", async () => {
    expectButtonRefused(await clickWith({ mint: throwingGetter(VALID_MINT, "limit") }), undefined);
  });

  for (const mode of ["popup", "redirect"] as const) {
    it.each(badNumbers.map(([l, v]) => [l, v] as const))(`limit (${mode}): refuses %s`, async (_label, value) => {
      expectButtonRefused(await clickWith({ mode, limit: value }), ["limit"]);
    });
  }
  // Every hostile callback URL in the default (popup) mode; a sample of each kind in the others
  // (the core matrix above runs them all through the same checkCallbackUrl).
  const sample = (cases: Case[]) => cases.filter((_, i) => i % 5 === 0);
  for (const [mode, cases] of [["popup", badCallbackUrls], ["redirect", sample(badCallbackUrls)], ["minted", sample(badCallbackUrls)]] as const) {
    it.each(cases.map(([l, v]) => [l, v] as const))(`callbackUrl (${mode}): refuses %s`, async (_label, value) => {
      const props = mode === "minted" ? { mint: VALID_MINT, callbackUrl: value } : { mode, callbackUrl: value };
      // `null` is "not given" for an optional prop (the page's own URL is used): only check it is not thrown.
      if (value === null) return;
      expectButtonRefused(await clickWith(props), ["callbackUrl"]);
    });
  }
  it.each(badMethods.filter(([, v]) => v !== null).map(([l, v]) => [l, v] as const))("codeChallengeMethod: refuses %s", async (_label, value) => {
    expectButtonRefused(await clickWith({ codeChallengeMethod: value }), ["codeChallengeMethod"]);
  });

  it("accepts the valid mint (control): one code request, one exchange, a key", async () => {
    const outcome = await clickWith({ mint: VALID_MINT }, 300);
    expect(outcome.thrown).toEqual([]);
    expect(outcome.errors).toEqual([]);
    expect(outcome.fetchCalls).toBe(2);
    expect(outcome.keys).toBe(1);
  });
});
