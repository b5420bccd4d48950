import { delay, http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createOpenRouterAuthClient,
  DEFAULT_BASE_URL,
  OpenRouterAuthError,
  type OpenRouterAuthClientOptions,
  type OpenRouterAuthErrorCode,
} from "../../src/core/index.js";
import { rejection } from "../support/rejection.js";

const API = "https://openrouter.ai/api/v1";
const CREATE_URL = `${API}/auth/keys/code`;
const EXCHANGE_URL = `${API}/auth/keys`;
const KEY_URL = `${API}/key`;

const API_KEY = "sk-or-v1-admin-0e6f44a47a05f1dad2ad7e88c4c1d6b7";
const USER_KEY = "sk-or-v1-user-7688157716fb1a5271146f7464951c96";
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const CODE = "auth_code_abc123def456";
const CB = "https://myapp.com/auth/callback";

const CREATED = { data: { id: "auth_code_xyz789", app_id: 12345, created_at: "2025-08-24T10:30:00Z" } };
const EXCHANGED = { key: USER_KEY, user_id: "user_2yOPcMpKoQhcd4bVgSMlELRaIah" };
const KEY_INFO = {
  data: {
    label: "sk-or-v1-au7...890",
    limit: 100,
    limit_remaining: 74.5,
    limit_reset: "monthly",
    usage: 25.5,
    usage_daily: 1.5,
    usage_weekly: 7.25,
    usage_monthly: 25.5,
    expires_at: "2027-12-31T23:59:59Z",
    is_free_tier: false,
    // fields this library does not read
    byok_usage: 17.38,
    is_management_key: false,
    rate_limit: { interval: "1h", note: "deprecated", requests: 1000 },
    allowed_data_regions: ["global"],
    free_model_daily_requests: { limit: 50, remaining: 50, used: 0 },
    organization_id: null,
    workspace_id: null,
  },
};

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}
const seen: Seen[] = [];

const server = setupServer(
  http.post(CREATE_URL, () => HttpResponse.json(CREATED)),
  http.post(EXCHANGE_URL, () => HttpResponse.json(EXCHANGED)),
  http.get(KEY_URL, () => HttpResponse.json(KEY_INFO)),
);

beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
  server.events.on("request:start", ({ request }) => {
    // Clone before any handler reads the body.
    const copy = request.clone();
    const entry: Seen = { method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body: "" };
    seen.push(entry);
    void copy.text().then((text) => (entry.body = text));
  });
});
beforeEach(() => {
  seen.length = 0;
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(options: OpenRouterAuthClientOptions = {}) {
  return createOpenRouterAuthClient(options);
}

/** Every substring of `secret` of `size` characters: none may survive in an error. */
function fragments(secret: string, size = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= secret.length; i++) out.push(secret.slice(i, i + size));
  return out;
}

function expectNoSecret(error: OpenRouterAuthError, secret: string) {
  const texts = [error.message, String(error), JSON.stringify(error.issues ?? []), error.stack ?? ""];
  for (const text of texts) {
    expect(text).not.toContain(secret);
    for (const piece of fragments(secret, 12)) expect(text).not.toContain(piece);
  }
}

const ISO_UTC_WITH_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

describe("createAuthCode", () => {
  it("POSTs the exact snake_case body with bearer, attribution and JSON headers, and returns camelCase", async () => {
    const result = await client({
      apiKey: API_KEY,
      appUrl: "https://myapp.com",
      appTitle: "My App",
      appCategories: ["cli-agent", "programming-app"],
    }).createAuthCode({
      callbackUrl: CB,
      codeChallenge: CHALLENGE,
      codeChallengeMethod: "S256",
      limit: 100,
      expiresAt: new Date("2027-12-31T23:59:59Z"),
      keyLabel: "Team laptop",
      usageLimitType: "monthly",
      workspaceId: "0b8f6e0c-3a4d-4c1e-9f57-2d9d4a1b7e10",
    });

    expect(result).toStrictEqual({ data: { id: "auth_code_xyz789", appId: 12345, createdAt: "2025-08-24T10:30:00Z" } });
    expect(seen).toHaveLength(1);
    const [request] = seen as [Seen];
    expect(request.method).toBe("POST");
    expect(request.url).toBe(CREATE_URL);
    const body = JSON.parse(request.body) as Record<string, unknown>;
    expect(body).toStrictEqual({
      callback_url: CB,
      code_challenge: CHALLENGE,
      code_challenge_method: "S256",
      limit: 100,
      expires_at: "2027-12-31T23:59:59.000Z",
      key_label: "Team laptop",
      usage_limit_type: "monthly",
      workspace_id: "0b8f6e0c-3a4d-4c1e-9f57-2d9d4a1b7e10",
    });
    expect(body.expires_at).toMatch(ISO_UTC_WITH_SECONDS);
    expect(request.headers).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      "content-type": "application/json",
      "http-referer": "https://myapp.com",
      "x-openrouter-title": "My App",
      "x-openrouter-categories": "cli-agent,programming-app",
    });
  });

  it("sends expires_at given as a string unchanged, and null as null", async () => {
    const c = client({ apiKey: API_KEY });
    await c.createAuthCode({ callbackUrl: CB, expiresAt: "2027-12-31T23:59:59Z" });
    await c.createAuthCode({ callbackUrl: CB, expiresAt: null });
    expect(JSON.parse(seen[0]!.body)).toStrictEqual({ callback_url: CB, expires_at: "2027-12-31T23:59:59Z" });
    expect(JSON.parse(seen[1]!.body)).toStrictEqual({ callback_url: CB, expires_at: null });
  });

  it("sends no Authorization and no attribution headers when none are configured", async () => {
    await client().createAuthCode({ callbackUrl: CB });
    const [request] = seen as [Seen];
    expect(JSON.parse(request.body)).toStrictEqual({ callback_url: CB });
    expect(request.headers).not.toHaveProperty("authorization");
    expect(request.headers).not.toHaveProperty("http-referer");
    expect(request.headers).not.toHaveProperty("x-openrouter-title");
    expect(request.headers).not.toHaveProperty("x-openrouter-categories");
    expect(request.headers["content-type"]).toBe("application/json");
  });

  it("takes categories as a comma-separated string too", async () => {
    await client({ appCategories: "cli-agent,programming-app" }).createAuthCode({ callbackUrl: CB });
    expect(seen[0]!.headers["x-openrouter-categories"]).toBe("cli-agent,programming-app");
  });

  it("sends no categories header for an empty list", async () => {
    await client({ appCategories: [] }).createAuthCode({ callbackUrl: CB });
    expect(seen[0]!.headers).not.toHaveProperty("x-openrouter-categories");
  });

  it("sends extra headers but never an Authorization from them, whatever its case", async () => {
    const headers = { "X-Custom": "1", authorization: "Bearer stray-0123456789", AUTHORIZATION: "Bearer stray-9876543210" };
    const c = client({ apiKey: API_KEY, headers });
    await c.createAuthCode({ callbackUrl: CB });
    await c.exchangeAuthCode({ code: CODE });
    expect(seen[0]!.headers).toMatchObject({ "x-custom": "1", authorization: `Bearer ${API_KEY}` });
    expect(seen[1]!.headers["x-custom"]).toBe("1");
    expect(seen[1]!.headers).not.toHaveProperty("authorization");
  });

  it("sends it to mintUrl when set (own server route), while the exchange stays on baseUrl", async () => {
    const mint = "https://myapp.com/api/openrouter/mint";
    server.use(http.post(mint, () => HttpResponse.json(CREATED)));
    const c = client({ mintUrl: mint });
    expect(c.mintUrl).toBe(mint);
    expect(c.baseUrl).toBe(DEFAULT_BASE_URL);
    await expect(c.createAuthCode({ callbackUrl: CB })).resolves.toMatchObject({ data: { id: "auth_code_xyz789" } });
    await c.exchangeAuthCode({ code: CODE });
    expect(seen.map((r) => r.url)).toEqual([mint, EXCHANGE_URL]);
    expect(seen[0]!.headers).not.toHaveProperty("authorization");
  });
});

describe("exchangeAuthCode", () => {
  it("POSTs exactly code, code_verifier and code_challenge_method, never with Authorization", async () => {
    const result = await client({ apiKey: API_KEY, appUrl: "https://myapp.com", appTitle: "My App", appCategories: ["x"] }).exchangeAuthCode({
      code: CODE,
      codeVerifier: VERIFIER,
      codeChallengeMethod: "S256",
    });
    expect(result).toStrictEqual({ key: USER_KEY, userId: "user_2yOPcMpKoQhcd4bVgSMlELRaIah" });
    const [request] = seen as [Seen];
    expect(seen).toHaveLength(1);
    expect(request.method).toBe("POST");
    expect(request.url).toBe(EXCHANGE_URL);
    expect(JSON.parse(request.body)).toStrictEqual({ code: CODE, code_verifier: VERIFIER, code_challenge_method: "S256" });
    expect(request.headers).not.toHaveProperty("authorization");
    expect(JSON.stringify(request.headers)).not.toContain(API_KEY);
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "http-referer": "https://myapp.com",
      "x-openrouter-title": "My App",
      "x-openrouter-categories": "x",
    });
  });

  it("sends only the code when that is all it has", async () => {
    await client().exchangeAuthCode({ code: CODE });
    expect(JSON.parse(seen[0]!.body)).toStrictEqual({ code: CODE });
  });

  it.each([
    ["null", { key: USER_KEY, user_id: null }],
    ["missing", { key: USER_KEY }],
  ])("maps a %s user_id to userId null", async (_label, body) => {
    server.use(http.post(EXCHANGE_URL, () => HttpResponse.json(body)));
    await expect(client().exchangeAuthCode({ code: CODE })).resolves.toStrictEqual({ key: USER_KEY, userId: null });
  });
});

describe("getKeyInfo", () => {
  it("GETs /key with the key as bearer and maps snake_case to camelCase", async () => {
    const info = await client({ apiKey: API_KEY }).getKeyInfo(USER_KEY);
    expect(info).toStrictEqual({
      label: "sk-or-v1-au7...890",
      limit: 100,
      limitRemaining: 74.5,
      limitReset: "monthly",
      usage: 25.5,
      usageDaily: 1.5,
      usageWeekly: 7.25,
      usageMonthly: 25.5,
      expiresAt: "2027-12-31T23:59:59Z",
      isFreeTier: false,
    });
    const [request] = seen as [Seen];
    expect(request.method).toBe("GET");
    expect(request.url).toBe(KEY_URL);
    expect(request.headers.authorization).toBe(`Bearer ${USER_KEY}`);
    expect(request.body).toBe("");
    expect(request.headers).not.toHaveProperty("content-type");
  });

  it("fills what an older answer leaves out", async () => {
    server.use(
      http.get(KEY_URL, () =>
        HttpResponse.json({ data: { label: "k", limit: 10, usage: 2.5, is_free_tier: true } }),
      ),
    );
    await expect(client().getKeyInfo(USER_KEY)).resolves.toStrictEqual({
      label: "k",
      limit: 10,
      limitRemaining: 7.5,
      limitReset: null,
      usage: 2.5,
      usageDaily: null,
      usageWeekly: null,
      usageMonthly: null,
      expiresAt: null,
      isFreeTier: true,
    });
  });

  it.each([
    ["a null limit_remaining", { limit: 10, limit_remaining: null, usage: 4 }, 6],
    ["usage above the limit", { limit: 10, usage: 12.5 }, 0],
  ])("works limitRemaining out from limit and usage for %s", async (_label, fields, remaining) => {
    server.use(http.get(KEY_URL, () => HttpResponse.json({ data: { label: "k", is_free_tier: false, ...fields } })));
    await expect(client().getKeyInfo(USER_KEY)).resolves.toMatchObject({ limitRemaining: remaining });
  });

  it("keeps limitRemaining null for a key without a limit", async () => {
    server.use(http.get(KEY_URL, () => HttpResponse.json({ data: { label: "k", limit: null, usage: 3, is_free_tier: false } })));
    await expect(client().getKeyInfo(USER_KEY)).resolves.toMatchObject({ limit: null, limitRemaining: null });
  });

  it.each([
    ["empty", ""],
    ["with whitespace", "sk-or-v1 abc"],
    ["not a string", 42],
  ])("refuses a key that is %s without a request", async (_label, key) => {
    const error = await rejection(client().getKeyInfo(key as string));
    expect(error).toMatchObject({ code: "invalid_request", issues: [{ path: ["key"] }] });
    expect(seen).toHaveLength(0);
  });
});

describe("client options", () => {
  it("uses a custom baseUrl, without a trailing slash", async () => {
    const base = "http://127.0.0.1:4010/api/v1";
    server.use(http.post(`${base}/auth/keys`, () => HttpResponse.json(EXCHANGED)));
    const c = client({ baseUrl: `${base}/` });
    expect(c.baseUrl).toBe(base);
    expect(c.mintUrl).toBe(`${base}/auth/keys/code`);
    await c.exchangeAuthCode({ code: CODE });
    expect(seen[0]!.url).toBe(`${base}/auth/keys`);
  });

  it.each([
    ["baseUrl", { baseUrl: "not a url" }],
    ["baseUrl", { baseUrl: "/api/v1" }],
    ["baseUrl", { baseUrl: "ftp://openrouter.ai/api/v1" }],
    ["baseUrl", { baseUrl: "javascript:alert(1)" }],
    ["mintUrl", { mintUrl: "api/mint" }],
    ["mintUrl", { mintUrl: "//evil.example/mint" }],
    ["mintUrl", { mintUrl: "file:///mint" }],
  ])("throws invalid_request for a bad %s (%j)", (name, options) => {
    let error: unknown;
    try {
      createOpenRouterAuthClient(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OpenRouterAuthError);
    expect(error).toMatchObject({
      code: "invalid_request",
      message: `${name} must be an absolute http(s) URL.`,
      issues: [{ path: [name], message: "must be an absolute http(s) URL" }],
    });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32, "50"])("throws invalid_request for timeoutMs %s (not a RangeError per request)", (timeoutMs) => {
    let error: unknown;
    try {
      createOpenRouterAuthClient({ timeoutMs: timeoutMs as number });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OpenRouterAuthError);
    expect(error).toMatchObject({ code: "invalid_request", issues: [{ path: ["timeoutMs"] }] });
  });

  it("uses a fetch given in the options instead of the global one", async () => {
    const calls: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      calls.push(String(input));
      return Response.json(EXCHANGED);
    };
    await expect(client({ fetch }).exchangeAuthCode({ code: CODE })).resolves.toMatchObject({ key: USER_KEY });
    expect(calls).toEqual([EXCHANGE_URL]);
    expect(seen).toHaveLength(0);
  });
});

type Op = "create" | "exchange" | "key";
const call = (op: Op, options: OpenRouterAuthClientOptions = {}) => {
  const c = client({ apiKey: API_KEY, ...options });
  if (op === "create") return c.createAuthCode({ callbackUrl: CB, codeChallenge: CHALLENGE, codeChallengeMethod: "S256" });
  if (op === "exchange") return c.exchangeAuthCode({ code: CODE, codeVerifier: VERIFIER, codeChallengeMethod: "S256" });
  return c.getKeyInfo(USER_KEY);
};
const answer = (op: Op, resolver: Parameters<typeof http.post>[1]) =>
  op === "key" ? http.get(KEY_URL, resolver) : http.post(op === "create" ? CREATE_URL : EXCHANGE_URL, resolver);
const errorBody = (code: number, message: string) => ({ error: { code, message } });

describe("documented error answers map to stable codes", () => {
  const table: Array<[Op, number, string, OpenRouterAuthErrorCode, boolean]> = [
    ["create", 400, "Invalid request parameters", "invalid_request", false],
    ["exchange", 400, "Invalid request parameters", "invalid_request", false],
    ["exchange", 400, "Invalid code_challenge_method", "invalid_code_challenge_method", false],
    ["create", 401, "Missing Authentication header", "unauthorized", false],
    ["key", 401, "No auth credentials found", "unauthorized", false],
    ["exchange", 403, "Invalid code or code_verifier", "invalid_code", false],
    ["exchange", 403, "Authorization code expired", "code_expired", false],
    ["exchange", 403, "Only management keys can perform this operation", "forbidden", false],
    ["create", 403, "Only management keys can perform this operation", "forbidden", false],
    ["create", 409, "Resource conflict. Please try again later.", "conflict", true],
    ["create", 429, "Rate limit exceeded", "rate_limited", true],
    ["exchange", 429, "Rate limit exceeded", "rate_limited", true],
    ["create", 500, "Internal Server Error", "server_error", true],
    ["exchange", 500, "Internal Server Error", "server_error", true],
    ["key", 500, "Internal Server Error", "server_error", true],
    ["exchange", 502, "Bad Gateway", "server_error", true],
    ["exchange", 503, "Service Unavailable", "server_error", true],
    ["exchange", 405, "Method Not Allowed", "http_error", false],
    ["create", 404, "Not Found", "http_error", false],
  ];

  it.each(table)("%s %i %j → %s (retryable %s)", async (op, status, message, code, retryable) => {
    server.use(answer(op, () => HttpResponse.json(errorBody(status, message), { status })));
    const error = await rejection(call(op));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toBe(`OpenRouter answered ${status}: ${message}`);
    expect(error.message).not.toContain("[object Object]");
    expect(seen).toHaveLength(1);
  });

  it("reads a plain-string error too", async () => {
    server.use(answer("exchange", () => HttpResponse.json({ error: "Invalid code or code_verifier" }, { status: 403 })));
    const error = await rejection(call("exchange"));
    expect(error).toMatchObject({ code: "invalid_code", status: 403, message: "OpenRouter answered 403: Invalid code or code_verifier" });
  });

  it("falls back to the status when the error body has no message", async () => {
    server.use(answer("create", () => HttpResponse.json({ error: { code: 500 } }, { status: 500 })));
    const error = await rejection(call("create"));
    expect(error).toMatchObject({ code: "server_error", status: 500, message: "OpenRouter answered 500: HTTP 500" });
  });

  it("neutralizes control characters and caps the length of the server's text", async () => {
    const message = `line1\nline2\u001b[31m${"x".repeat(1000)}`;
    server.use(answer("create", () => HttpResponse.json(errorBody(400, message), { status: 400 })));
    const error = await rejection(call("create"));
    expect(error.message).toMatch(/^OpenRouter answered 400: line1 line2 \[31mx+$/);
    // eslint-disable-next-line no-control-regex
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    expect(error.message.length).toBeLessThanOrEqual("OpenRouter answered 400: ".length + 300);
  });
});

describe("answers that are not what they should be", () => {
  it.each<[Op, number, OpenRouterAuthErrorCode, string]>([
    ["create", 200, "invalid_response", "OpenRouter's answer (HTTP 200) was not JSON."],
    ["exchange", 200, "invalid_response", "OpenRouter's answer (HTTP 200) was not JSON."],
    ["key", 200, "invalid_response", "OpenRouter's answer (HTTP 200) was not JSON."],
    ["exchange", 500, "server_error", "OpenRouter answered 500: HTTP 500"],
    ["create", 502, "server_error", "OpenRouter answered 502: HTTP 502"],
  ])("%s: HTML with status %i → %s", async (op, status, code, message) => {
    server.use(answer(op, () => HttpResponse.html("<html><body>Bad gateway</body></html>", { status })));
    const error = await rejection(call(op));
    expect(error).toMatchObject({ code, status, message });
  });

  it("an empty 200 → invalid_response", async () => {
    server.use(answer("exchange", () => new HttpResponse(null, { status: 200 })));
    expect(await rejection(call("exchange"))).toMatchObject({ code: "invalid_response", status: 200 });
  });

  it.each<[Op, unknown, PropertyKey[][]]>([
    ["create", { data: { id: 1 } }, [["data", "id"], ["data", "app_id"], ["data", "created_at"]]],
    ["create", { id: "auth_code_xyz789", app_id: 1, created_at: "x" }, [["data"]]],
    ["create", [], [[]]],
    ["exchange", { key: "" }, [["key"]]],
    ["exchange", { api_key: USER_KEY }, [["key"]]],
    ["exchange", { key: USER_KEY, user_id: 42 }, [["user_id"]]],
    ["exchange", "sk-or-v1-just-a-string", [[]]],
    ["key", { data: { label: "k", limit: "100", usage: 1, is_free_tier: false } }, [["data", "limit"]]],
    ["key", { label: "k" }, [["data"]]],
  ])("%s: 200 with %j → invalid_response naming %j", async (op, body, paths) => {
    server.use(answer(op, () => HttpResponse.json(body as never)));
    const error = await rejection(call(op));
    expect(error.code).toBe("invalid_response");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^OpenRouter's answer to (createAuthCode|exchangeAuthCode|getKeyInfo) has an unexpected shape\.$/);
    expect(error.issues?.map((i) => i.path)).toEqual(paths);
    expectNoSecret(error, USER_KEY);
  });
});

describe("transport failures", () => {
  it.each<Op>(["create", "exchange", "key"])("%s: a network failure → network_error, once", async (op) => {
    server.use(answer(op, () => HttpResponse.error()));
    const error = await rejection(call(op));
    expect(error).toMatchObject({ code: "network_error", retryable: true, message: "Could not reach https://openrouter.ai." });
    expect(error.status).toBeUndefined();
    expect(seen).toHaveLength(1);
    expectNoSecret(error, API_KEY);
    expectNoSecret(error, USER_KEY);
    expectNoSecret(error, VERIFIER);
  });

  it("an abort before the request → aborted, and nothing is sent", async () => {
    const controller = new AbortController();
    controller.abort(new Error("user left"));
    const error = await rejection(
      client().exchangeAuthCode({ code: CODE, codeVerifier: VERIFIER }, { signal: controller.signal }),
    );
    expect(error).toMatchObject({ code: "aborted", retryable: false, message: "The request was aborted." });
    expect(seen).toHaveLength(0);
  });

  it("an abort before the request never calls fetch, even one that ignores the signal", async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = async () => {
      calls++;
      return Response.json(EXCHANGED);
    };
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(client({ fetch }).exchangeAuthCode({ code: CODE }, { signal: controller.signal }));
    expect(error.code).toBe("aborted");
    expect(calls).toBe(0);
  });

  it("an abort during the request → aborted", async () => {
    server.use(answer("exchange", async () => {
      await delay("infinite");
      return HttpResponse.json(EXCHANGED);
    }));
    const controller = new AbortController();
    let onStart = () => {};
    const started = new Promise<void>((resolve) => (onStart = resolve));
    server.events.on("request:start", onStart);
    const pending = client().exchangeAuthCode({ code: CODE }, { signal: controller.signal });
    await started;
    server.events.removeListener("request:start", onStart);
    controller.abort();
    const error = await rejection(pending);
    expect(error).toMatchObject({ code: "aborted", retryable: false });
    expect(error.cause).toBeInstanceOf(DOMException);
    expect(seen).toHaveLength(1);
  });

  it("rounds a fractional timeoutMs up instead of failing every request", async () => {
    server.use(answer("create", async () => {
      await delay(2000);
      return HttpResponse.json(CREATED);
    }));
    const error = await rejection(call("create", { timeoutMs: 30.5 }));
    expect(error).toMatchObject({ code: "timeout", message: "OpenRouter did not answer within 31 ms." });
  });

  it("the client's own deadline → timeout", async () => {
    server.use(answer("create", async () => {
      await delay(2000);
      return HttpResponse.json(CREATED);
    }));
    const startedAt = Date.now();
    const error = await rejection(call("create", { timeoutMs: 50 }));
    expect(Date.now() - startedAt).toBeLessThan(1500);
    expect(error).toMatchObject({ code: "timeout", retryable: true, message: "OpenRouter did not answer within 50 ms." });
    expect(seen).toHaveLength(1);
  });

  it("a caller's abort wins over a deadline that has not fired", async () => {
    server.use(answer("key", async () => {
      await delay(2000);
      return HttpResponse.json(KEY_INFO);
    }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const error = await rejection(client({ timeoutMs: 1000 }).getKeyInfo(USER_KEY, { signal: controller.signal }));
    expect(error.code).toBe("aborted");
  });
});

describe("no automatic retry", () => {
  it.each<[Op, number]>([
    ["exchange", 500],
    ["exchange", 503],
    ["create", 500],
    ["create", 409],
    ["exchange", 429],
  ])("%s: exactly one request on %i", async (op, status) => {
    let hits = 0;
    server.use(answer(op, () => {
      hits++;
      return HttpResponse.json(errorBody(status, "try later"), { status });
    }));
    const error = await rejection(call(op));
    expect(error.retryable).toBe(true);
    // Give a hidden retry loop time to show itself.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hits).toBe(1);
    expect(seen).toHaveLength(1);
  });
});

describe("secrets never reach an error message", () => {
  it("redacts the verifier and the code when the exchange's error echoes them", async () => {
    server.use(answer("exchange", () =>
      HttpResponse.json(errorBody(403, `Invalid code or code_verifier: code=${CODE} code_verifier=${VERIFIER}`), { status: 403 }),
    ));
    const error = await rejection(call("exchange"));
    expect(error.code).toBe("invalid_code");
    expect(error.message).toBe("OpenRouter answered 403: Invalid code or code_verifier: code=[redacted] code_verifier=[redacted]");
    expectNoSecret(error, VERIFIER);
    expectNoSecret(error, CODE);
  });

  it("redacts the apiKey when createAuthCode's error echoes it", async () => {
    server.use(answer("create", () => HttpResponse.json(errorBody(401, `Invalid key ${API_KEY} (expected Bearer ${API_KEY})`), { status: 401 })));
    const error = await rejection(call("create"));
    expect(error.code).toBe("unauthorized");
    expect(error.message).toBe("OpenRouter answered 401: Invalid key [redacted] (expected Bearer [redacted])");
    expectNoSecret(error, API_KEY);
  });

  it("redacts the key when getKeyInfo's error echoes it", async () => {
    server.use(answer("key", () => HttpResponse.json(errorBody(401, `User not found for ${USER_KEY}`), { status: 401 })));
    const error = await rejection(call("key"));
    expect(error.message).toBe("OpenRouter answered 401: User not found for [redacted]");
    expectNoSecret(error, USER_KEY);
  });

  it("redacts a secret that straddles the length cap (no prefix survives)", async () => {
    for (let pad = 280; pad <= 300; pad += 4) {
      server.use(answer("exchange", () => HttpResponse.json(errorBody(500, `${"x".repeat(pad)}${VERIFIER}`), { status: 500 })));
      const error = await rejection(call("exchange"));
      expect(error.code).toBe("server_error");
      expectNoSecret(error, VERIFIER);
    }
  });

  it("keeps the apiKey out of every kind of failure", async () => {
    const failures: Array<Parameters<typeof http.post>[1]> = [
      () => HttpResponse.json(errorBody(400, `bad ${API_KEY}`), { status: 400 }),
      () => HttpResponse.json(errorBody(403, API_KEY), { status: 403 }),
      () => HttpResponse.json({ error: API_KEY }, { status: 500 }),
      () => HttpResponse.text(API_KEY, { status: 500 }),
      () => HttpResponse.text(API_KEY, { status: 200 }),
      () => HttpResponse.json({ data: { id: API_KEY } }),
      () => HttpResponse.error(),
    ];
    for (const resolver of failures) {
      server.use(answer("create", resolver));
      const error = await rejection(call("create"));
      expectNoSecret(error, API_KEY);
    }
    server.use(answer("create", async () => {
      await delay(1000);
      return HttpResponse.json(CREATED);
    }));
    const timedOut = await rejection(call("create", { timeoutMs: 20 }));
    expect(timedOut.code).toBe("timeout");
    expectNoSecret(timedOut, API_KEY);
  });
});
