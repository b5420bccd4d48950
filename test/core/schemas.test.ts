import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createAuthKeysCodeRequestSchema,
  createOpenRouterAuthClient,
  exchangeAuthCodeRequestSchema,
  MAX_CALLBACK_URL_LENGTH,
  MAX_LIMIT,
  OpenRouterAuthError,
  parseCreateAuthKeysCodeWireBody,
  toCreateAuthKeysCodeWireBody,
  type CreateAuthKeysCodeRequest,
  type ExchangeAuthCodeRequest,
} from "../../src/core/index.js";
import { parseRequest } from "../../src/core/schemas.js";
import { rejection } from "../support/rejection.js";

const CB = "https://myapp.com/auth/callback";
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const UUID = "0b8f6e0c-3a4d-4c1e-9f57-2d9d4a1b7e10";

/** A fetch that records calls and answers like OpenRouter does on success. */
function fetchStub() {
  return vi.fn(async (input: RequestInfo | URL, _init?: RequestInit) => {
    const url = String(input);
    const body = url.endsWith("/auth/keys/code")
      ? { data: { id: "auth_code_xyz789", app_id: 12345, created_at: "2025-08-24T10:30:00Z" } }
      : { key: "sk-or-v1-fresh", user_id: "user_1" };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  });
}

type Op = "createAuthCode" | "exchangeAuthCode";
type BadRow = [label: string, op: Op, input: unknown, path: PropertyKey[]];

const protoPolluted = JSON.parse('{"__proto__": {"x":1}, "callbackUrl": "https://a.example/cb"}') as unknown;
const protoPollutedExchange = JSON.parse(`{"__proto__": {"isAdmin": true}, "code": "abc123"}`) as unknown;

const badInputs: BadRow[] = [
  // createAuthKeysCodeRequestSchema: shape
  ["no callbackUrl at all", "createAuthCode", {}, ["callbackUrl"]],
  ["the typo callbackURL", "createAuthCode", { callbackURL: CB }, ["callbackURL"]],
  ["a snake_case callback_url", "createAuthCode", { callback_url: CB }, ["callback_url"]],
  ["an unknown extra key", "createAuthCode", { callbackUrl: CB, apiKey: "sk-or-v1-x" }, ["apiKey"]],
  ["a JSON __proto__ key", "createAuthCode", protoPolluted, ["__proto__"]],
  ["a constructor key", "createAuthCode", { callbackUrl: CB, constructor: { prototype: { polluted: true } } }, ["constructor"]],
  ["a prototype key", "createAuthCode", { callbackUrl: CB, prototype: { polluted: true } }, ["prototype"]],
  ["null", "createAuthCode", null, []],
  ["an array", "createAuthCode", [CB], []],
  ["a string", "createAuthCode", CB, []],
  ["a number", "createAuthCode", 42, []],
  // callbackUrl
  ["a callbackUrl over 2048 characters", "createAuthCode", { callbackUrl: `https://a.example/${"a".repeat(MAX_CALLBACK_URL_LENGTH)}` }, ["callbackUrl"]],
  ["a 1 MB callbackUrl", "createAuthCode", { callbackUrl: `https://a.example/${"a".repeat(1_000_000)}` }, ["callbackUrl"]],
  ["a callbackUrl with a space", "createAuthCode", { callbackUrl: "https://myapp.com/auth callback" }, ["callbackUrl"]],
  ["a callbackUrl with a tab", "createAuthCode", { callbackUrl: "https://myapp.com/\tcb" }, ["callbackUrl"]],
  ["a callbackUrl with a newline", "createAuthCode", { callbackUrl: "https://myapp.com/cb\n" }, ["callbackUrl"]],
  ["a plain-http callbackUrl", "createAuthCode", { callbackUrl: "http://localhost.evil.com/cb" }, ["callbackUrl"]],
  ["a javascript: callbackUrl", "createAuthCode", { callbackUrl: "javascript:alert(1)" }, ["callbackUrl"]],
  ["a relative callbackUrl", "createAuthCode", { callbackUrl: "/auth/callback" }, ["callbackUrl"]],
  ["a URL object as callbackUrl", "createAuthCode", { callbackUrl: new URL(CB) }, ["callbackUrl"]],
  // codeChallenge / method
  ["a 42-character codeChallenge", "createAuthCode", { callbackUrl: CB, codeChallenge: CHALLENGE.slice(1) }, ["codeChallenge"]],
  ["a codeChallenge with '/'", "createAuthCode", { callbackUrl: CB, codeChallenge: `${CHALLENGE.slice(1)}/` }, ["codeChallenge"]],
  ["an unknown codeChallengeMethod", "createAuthCode", { callbackUrl: CB, codeChallengeMethod: "SHA256" }, ["codeChallengeMethod"]],
  ["a lower-case codeChallengeMethod", "createAuthCode", { callbackUrl: CB, codeChallengeMethod: "s256" }, ["codeChallengeMethod"]],
  // limit
  ["a NaN limit", "createAuthCode", { callbackUrl: CB, limit: Number.NaN }, ["limit"]],
  ["an Infinity limit", "createAuthCode", { callbackUrl: CB, limit: Number.POSITIVE_INFINITY }, ["limit"]],
  ["a -Infinity limit", "createAuthCode", { callbackUrl: CB, limit: Number.NEGATIVE_INFINITY }, ["limit"]],
  ["a negative limit", "createAuthCode", { callbackUrl: CB, limit: -1 }, ["limit"]],
  ["a limit one above the maximum", "createAuthCode", { callbackUrl: CB, limit: MAX_LIMIT + 1 }, ["limit"]],
  ["a huge limit", "createAuthCode", { callbackUrl: CB, limit: 1e308 }, ["limit"]],
  ["a string limit", "createAuthCode", { callbackUrl: CB, limit: "100" }, ["limit"]],
  ["a bigint limit", "createAuthCode", { callbackUrl: CB, limit: 100n }, ["limit"]],
  // expiresAt
  ["a timestamp without seconds", "createAuthCode", { callbackUrl: CB, expiresAt: "2027-12-31T23:59Z" }, ["expiresAt"]],
  ["a date without time", "createAuthCode", { callbackUrl: CB, expiresAt: "2027-12-31" }, ["expiresAt"]],
  ["a timestamp without a zone", "createAuthCode", { callbackUrl: CB, expiresAt: "2027-12-31T23:59:59" }, ["expiresAt"]],
  ["a timestamp with an offset", "createAuthCode", { callbackUrl: CB, expiresAt: "2027-12-31T23:59:59+01:00" }, ["expiresAt"]],
  ["a timestamp with a space", "createAuthCode", { callbackUrl: CB, expiresAt: "2027-12-31 23:59:59Z" }, ["expiresAt"]],
  ["February 30th", "createAuthCode", { callbackUrl: CB, expiresAt: "2027-02-30T00:00:00Z" }, ["expiresAt"]],
  ["hour 24", "createAuthCode", { callbackUrl: CB, expiresAt: "2027-12-31T24:00:00Z" }, ["expiresAt"]],
  ["month 13", "createAuthCode", { callbackUrl: CB, expiresAt: "2027-13-01T00:00:00Z" }, ["expiresAt"]],
  ["an Invalid Date", "createAuthCode", { callbackUrl: CB, expiresAt: new Date("nope") }, ["expiresAt"]],
  ["a Date after year 9999", "createAuthCode", { callbackUrl: CB, expiresAt: new Date(Date.UTC(10_000, 0, 1)) }, ["expiresAt"]],
  ["epoch milliseconds", "createAuthCode", { callbackUrl: CB, expiresAt: 1830297599000 }, ["expiresAt"]],
  // keyLabel
  ["an empty keyLabel", "createAuthCode", { callbackUrl: CB, keyLabel: "" }, ["keyLabel"]],
  ["a blank keyLabel", "createAuthCode", { callbackUrl: CB, keyLabel: "  \u3000 " }, ["keyLabel"]],
  ["a 101-character keyLabel", "createAuthCode", { callbackUrl: CB, keyLabel: "x".repeat(101) }, ["keyLabel"]],
  ["a 100 000-character keyLabel", "createAuthCode", { callbackUrl: CB, keyLabel: "x".repeat(100_000) }, ["keyLabel"]],
  ["a keyLabel with a newline", "createAuthCode", { callbackUrl: CB, keyLabel: "line1\nline2" }, ["keyLabel"]],
  ["a keyLabel with NUL", "createAuthCode", { callbackUrl: CB, keyLabel: "a\u0000b" }, ["keyLabel"]],
  ["a keyLabel with an ANSI escape", "createAuthCode", { callbackUrl: CB, keyLabel: "\u001b[31mred" }, ["keyLabel"]],
  ["a keyLabel with a C1 control", "createAuthCode", { callbackUrl: CB, keyLabel: "a\u009bb" }, ["keyLabel"]],
  // usageLimitType / workspaceId
  ["an unknown usageLimitType", "createAuthCode", { callbackUrl: CB, usageLimitType: "yearly" }, ["usageLimitType"]],
  ["a capitalized usageLimitType", "createAuthCode", { callbackUrl: CB, usageLimitType: "Monthly" }, ["usageLimitType"]],
  ["a workspaceId that is not a UUID", "createAuthCode", { callbackUrl: CB, workspaceId: "workspace-1" }, ["workspaceId"]],
  ["a workspaceId UUID with a trailing newline", "createAuthCode", { callbackUrl: CB, workspaceId: `${UUID}\n` }, ["workspaceId"]],

  // exchangeAuthCodeRequestSchema
  ["no code", "exchangeAuthCode", {}, ["code"]],
  ["an empty code", "exchangeAuthCode", { code: "" }, ["code"]],
  ["a code with a space", "exchangeAuthCode", { code: "abc def" }, ["code"]],
  ["a code with a newline", "exchangeAuthCode", { code: "abc\n" }, ["code"]],
  ["a 513-character code", "exchangeAuthCode", { code: "c".repeat(513) }, ["code"]],
  ["a 1 MB code", "exchangeAuthCode", { code: "c".repeat(1_000_000) }, ["code"]],
  ["a numeric code", "exchangeAuthCode", { code: 12345 }, ["code"]],
  ["a 42-character codeVerifier", "exchangeAuthCode", { code: "abc", codeVerifier: VERIFIER.slice(1) }, ["codeVerifier"]],
  ["a 129-character codeVerifier", "exchangeAuthCode", { code: "abc", codeVerifier: "v".repeat(129) }, ["codeVerifier"]],
  ["a codeVerifier with '+'", "exchangeAuthCode", { code: "abc", codeVerifier: `${VERIFIER.slice(1)}+` }, ["codeVerifier"]],
  ["a codeVerifier with a space", "exchangeAuthCode", { code: "abc", codeVerifier: `${VERIFIER.slice(1)} ` }, ["codeVerifier"]],
  ["an unknown codeChallengeMethod", "exchangeAuthCode", { code: "abc", codeChallengeMethod: "S512" }, ["codeChallengeMethod"]],
  ["a snake_case code_verifier", "exchangeAuthCode", { code: "abc", code_verifier: VERIFIER }, ["code_verifier"]],
  ["the typo codeVerfier", "exchangeAuthCode", { code: "abc", codeVerfier: VERIFIER }, ["codeVerfier"]],
  ["a JSON __proto__ key", "exchangeAuthCode", protoPollutedExchange, ["__proto__"]],
  ["a constructor key", "exchangeAuthCode", { code: "abc", constructor: Object }, ["constructor"]],
  ["null", "exchangeAuthCode", null, []],
  ["an array", "exchangeAuthCode", ["abc"], []],
  ["a string", "exchangeAuthCode", "abc", []],
];

describe("request validation: bad inputs never reach the network", () => {
  it("has a table of at least 30 bad inputs covering both schemas", () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(30);
    expect(badInputs.filter((r) => r[1] === "createAuthCode").length).toBeGreaterThanOrEqual(15);
    expect(badInputs.filter((r) => r[1] === "exchangeAuthCode").length).toBeGreaterThanOrEqual(15);
  });

  it.each(badInputs)("%s (%s) → invalid_request at its path, no fetch", async (_label, op, input, path) => {
    const fetch = fetchStub();
    const client = createOpenRouterAuthClient({ apiKey: "sk-or-v1-admin", fetch });
    const call =
      op === "createAuthCode"
        ? client.createAuthCode(input as CreateAuthKeysCodeRequest)
        : client.exchangeAuthCode(input as ExchangeAuthCodeRequest);
    const error = await rejection(call);
    expect(error.code).toBe("invalid_request");
    expect(error.retryable).toBe(false);
    expect(error.status).toBeUndefined();
    expect(error.issues?.map((i) => i.path)).toContainEqual(path);
    for (const issue of error.issues ?? []) expect(issue.message).not.toBe("");
    expect(error.message).toMatch(/^Invalid request: /);
    if (path.length) expect(error.message).toContain(`${path.map(String).join(".")}: `);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("rejects the same inputs through parseRequest with the same paths", () => {
    for (const [label, op, input, path] of badInputs) {
      const schema = op === "createAuthCode" ? createAuthKeysCodeRequestSchema : exchangeAuthCodeRequestSchema;
      let error: unknown;
      try {
        parseRequest<unknown>(schema, input);
      } catch (e) {
        error = e;
      }
      expect(error, label).toBeInstanceOf(OpenRouterAuthError);
      expect((error as OpenRouterAuthError).code, label).toBe("invalid_request");
      expect((error as OpenRouterAuthError).issues?.map((i) => i.path), label).toContainEqual(path);
    }
  });
});

describe("request validation: messages say what is wrong without echoing the value", () => {
  function issuesOf(schema: typeof createAuthKeysCodeRequestSchema | typeof exchangeAuthCodeRequestSchema, input: unknown) {
    try {
      parseRequest<unknown>(schema, input);
    } catch (e) {
      return (e as OpenRouterAuthError).issues;
    }
    throw new Error("expected invalid_request");
  }

  it.each<[string, unknown, { path: PropertyKey[]; message: string }[]]>([
    ["unknown key", { callbackUrl: CB, callbackURL: CB }, [{ path: ["callbackURL"], message: "unknown key" }]],
    [
      "two unknown keys",
      { callbackUrl: CB, a: 1, b: 2 },
      [
        { path: ["a"], message: "unknown key" },
        { path: ["b"], message: "unknown key" },
      ],
    ],
    ["NaN", { callbackUrl: CB, limit: Number.NaN }, [{ path: ["limit"], message: "must be a finite number" }]],
    ["out of range", { callbackUrl: CB, limit: -1 }, [{ path: ["limit"], message: `must be between 0 and ${MAX_LIMIT}` }]],
    ["enum", { callbackUrl: CB, usageLimitType: "yearly" }, [{ path: ["usageLimitType"], message: 'must be one of "daily", "weekly", "monthly"' }]],
    ["minute precision", { callbackUrl: CB, expiresAt: "2027-12-31T23:59Z" }, [{ path: ["expiresAt"], message: "must be ISO 8601 in UTC with seconds, e.g. 2027-12-31T23:59:59Z" }]],
    ["not an object", null, [{ path: [], message: "must be an object" }]],
    ["missing", {}, [{ path: ["callbackUrl"], message: "must be a string" }]],
    ["control character", { callbackUrl: CB, keyLabel: "a\u0007b" }, [{ path: ["keyLabel"], message: "must be 1-100 characters without control characters" }]],
  ])("%s", (_label, input, expected) => {
    expect(issuesOf(createAuthKeysCodeRequestSchema, input)).toEqual(expected);
  });

  it("does not echo a rejected secret-looking value", () => {
    const secret = "sk-or-v1-should-never-be-echoed-0123456789";
    const issues = issuesOf(exchangeAuthCodeRequestSchema, { code: `${secret} `, codeVerifier: secret });
    expect(JSON.stringify(issues)).not.toContain(secret);
  });

  it("ignores fields inherited through the prototype chain", () => {
    // A literal `__proto__` sets the prototype; zod would read callbackUrl through it.
    const inherited = { __proto__: { callbackUrl: CB } } as unknown;
    expect(issuesOf(createAuthKeysCodeRequestSchema, inherited)).toEqual([{ path: ["callbackUrl"], message: "must be a string" }]);
    // As would a polluted prototype for an optional field.
    const polluted = Object.assign(Object.create({ workspaceId: UUID, limit: 5 }) as object, { callbackUrl: CB });
    expect(parseRequest(createAuthKeysCodeRequestSchema, polluted)).toEqual({ callbackUrl: CB });
  });
});

describe("request validation: good inputs are accepted and sent exactly", () => {
  const goodCreates: Array<[string, CreateAuthKeysCodeRequest, Record<string, unknown>]> = [
    ["only callbackUrl", { callbackUrl: CB }, { callback_url: CB }],
    ["a loopback callback", { callbackUrl: "http://127.0.0.1:8976/cb" }, { callback_url: "http://127.0.0.1:8976/cb" }],
    [
      "every optional field, expiresAt as a Date",
      {
        callbackUrl: CB,
        codeChallenge: CHALLENGE,
        codeChallengeMethod: "S256",
        limit: 100,
        expiresAt: new Date("2027-12-31T23:59:59Z"),
        keyLabel: "Team laptop – Jane",
        usageLimitType: "monthly",
        workspaceId: UUID,
      },
      {
        callback_url: CB,
        code_challenge: CHALLENGE,
        code_challenge_method: "S256",
        limit: 100,
        expires_at: "2027-12-31T23:59:59.000Z",
        key_label: "Team laptop – Jane",
        usage_limit_type: "monthly",
        workspace_id: UUID,
      },
    ],
    ["expiresAt as a string", { callbackUrl: CB, expiresAt: "2027-12-31T23:59:59Z" }, { callback_url: CB, expires_at: "2027-12-31T23:59:59Z" }],
    ["expiresAt with milliseconds", { callbackUrl: CB, expiresAt: "2027-12-31T23:59:59.123Z" }, { callback_url: CB, expires_at: "2027-12-31T23:59:59.123Z" }],
    ["expiresAt on a leap day", { callbackUrl: CB, expiresAt: "2028-02-29T00:00:00Z" }, { callback_url: CB, expires_at: "2028-02-29T00:00:00Z" }],
    ["expiresAt null", { callbackUrl: CB, expiresAt: null }, { callback_url: CB, expires_at: null }],
    ["limit 0", { callbackUrl: CB, limit: 0 }, { callback_url: CB, limit: 0 }],
    ["a fractional limit", { callbackUrl: CB, limit: 12.34 }, { callback_url: CB, limit: 12.34 }],
    ["the maximum limit", { callbackUrl: CB, limit: MAX_LIMIT }, { callback_url: CB, limit: MAX_LIMIT }],
    ["plain method", { callbackUrl: CB, codeChallenge: VERIFIER, codeChallengeMethod: "plain" }, { callback_url: CB, code_challenge: VERIFIER, code_challenge_method: "plain" }],
    ["a 100-character label", { callbackUrl: CB, keyLabel: "é".repeat(100) }, { callback_url: CB, key_label: "é".repeat(100) }],
    ["daily", { callbackUrl: CB, usageLimitType: "daily" }, { callback_url: CB, usage_limit_type: "daily" }],
    ["weekly", { callbackUrl: CB, usageLimitType: "weekly" }, { callback_url: CB, usage_limit_type: "weekly" }],
    ["an upper-case UUID", { callbackUrl: CB, workspaceId: UUID.toUpperCase() }, { callback_url: CB, workspace_id: UUID.toUpperCase() }],
    ["undefined optional fields", { callbackUrl: CB, limit: undefined, keyLabel: undefined }, { callback_url: CB }],
  ];

  it.each(goodCreates)("createAuthCode: %s", async (_label, request, wire) => {
    const fetch = fetchStub();
    const client = createOpenRouterAuthClient({ apiKey: "sk-or-v1-admin", fetch });
    await expect(client.createAuthCode(request)).resolves.toEqual({
      data: { id: "auth_code_xyz789", appId: 12345, createdAt: "2025-08-24T10:30:00Z" },
    });
    expect(fetch).toHaveBeenCalledTimes(1);
    const init = fetch.mock.calls[0]?.[1];
    expect(JSON.parse(String(init?.body))).toStrictEqual(wire);
    expect(toCreateAuthKeysCodeWireBody(parseRequest(createAuthKeysCodeRequestSchema, request))).toStrictEqual(wire);
  });

  const goodExchanges: Array<[string, ExchangeAuthCodeRequest, Record<string, unknown>]> = [
    ["code only", { code: "auth_code_abc123def456" }, { code: "auth_code_abc123def456" }],
    ["a 512-character code", { code: "c".repeat(512) }, { code: "c".repeat(512) }],
    [
      "code, verifier and S256",
      { code: "auth_code_abc123def456", codeVerifier: VERIFIER, codeChallengeMethod: "S256" },
      { code: "auth_code_abc123def456", code_verifier: VERIFIER, code_challenge_method: "S256" },
    ],
    ["a 128-character verifier, plain", { code: "x", codeVerifier: "~".repeat(128), codeChallengeMethod: "plain" }, { code: "x", code_verifier: "~".repeat(128), code_challenge_method: "plain" }],
  ];

  it.each(goodExchanges)("exchangeAuthCode: %s", async (_label, request, wire) => {
    const fetch = fetchStub();
    const client = createOpenRouterAuthClient({ fetch });
    await expect(client.exchangeAuthCode(request)).resolves.toEqual({ key: "sk-or-v1-fresh", userId: "user_1" });
    expect(fetch).toHaveBeenCalledTimes(1);
    const init = fetch.mock.calls[0]?.[1];
    expect(JSON.parse(String(init?.body))).toStrictEqual(wire);
  });
});

describe("parseCreateAuthKeysCodeWireBody (the server side of the same schema)", () => {
  it("reads a full snake_case body into camelCase", () => {
    expect(
      parseCreateAuthKeysCodeWireBody({
        callback_url: CB,
        code_challenge: CHALLENGE,
        code_challenge_method: "S256",
        limit: 100,
        expires_at: "2027-12-31T23:59:59Z",
        key_label: "CLI",
        usage_limit_type: "daily",
        workspace_id: UUID,
      }),
    ).toEqual({
      callbackUrl: CB,
      codeChallenge: CHALLENGE,
      codeChallengeMethod: "S256",
      limit: 100,
      expiresAt: "2027-12-31T23:59:59Z",
      keyLabel: "CLI",
      usageLimitType: "daily",
      workspaceId: UUID,
    });
  });

  it.each<[string, unknown, PropertyKey[]]>([
    ["a camelCase key on the wire", { callbackUrl: CB }, ["callbackUrl"]],
    ["a JSON __proto__ key", JSON.parse('{"__proto__": {"x": 1}, "callback_url": "https://a.example/cb"}'), ["__proto__"]],
    ["a minute-precision expires_at", { callback_url: CB, expires_at: "2027-12-31T23:59Z" }, ["expires_at"]],
    ["a negative limit", { callback_url: CB, limit: -1 }, ["limit"]],
    ["a bad usage_limit_type", { callback_url: CB, usage_limit_type: "hourly" }, ["usage_limit_type"]],
    ["no callback_url", {}, ["callback_url"]],
    ["a plain-http callback_url", { callback_url: "http://evil.example/cb" }, ["callback_url"]],
    ["null", null, []],
    ["an array", [], []],
  ])("refuses %s naming the wire path", (_label, body, path) => {
    let error: unknown;
    try {
      parseCreateAuthKeysCodeWireBody(body);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "invalid_request" });
    expect((error as OpenRouterAuthError).issues?.map((i) => i.path)).toContainEqual(path);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("expiresAt Dates are read through toISOString, never an overridable toJSON", () => {
  const original = Date.prototype.toJSON;
  afterEach(() => {
    Date.prototype.toJSON = original;
  });

  it("accepts and sends a valid Date as UTC when the app patched Date.prototype.toJSON", () => {
    // A common app patch: local time with an offset.
    Date.prototype.toJSON = function () {
      return "2027-06-01T14:00:00+02:00";
    };
    const request = parseRequest(createAuthKeysCodeRequestSchema, { callbackUrl: "https://app.example/cb", expiresAt: new Date("2027-06-01T12:00:00Z") });
    expect(toCreateAuthKeysCodeWireBody(request)).toStrictEqual({ callback_url: "https://app.example/cb", expires_at: "2027-06-01T12:00:00.000Z" });
  });

  it("refuses an invalid Date whose class claims a valid toJSON", () => {
    class LyingDate extends Date {
      override toJSON() {
        return "2027-01-01T00:00:00Z";
      }
    }
    expect(() => parseRequest(createAuthKeysCodeRequestSchema, { callbackUrl: "https://app.example/cb", expiresAt: new LyingDate("not a date") })).toThrow(
      expect.objectContaining({ code: "invalid_request", issues: [expect.objectContaining({ path: ["expiresAt"] })] }),
    );
  });
});
