// The boundaries issues 12, 13 and 18 name, each tested exactly at its edge: a foreign Error is
// not ours, 8-character secrets are redacted, only the exchange's answers name PKCE failures, a
// 2xx must say it is JSON, quota refusals carry Retry-After, no secret travels over cleartext,
// the exchange route keeps the key on the server, and a crypto-less runtime says `unsupported`.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  buildAuthorizationUrl,
  createCodeVerifier,
  createOpenRouterAuthClient,
  createPkcePair,
  DEFAULT_KEYS_URL,
  isOpenRouterAuthError,
  keysUrlFor,
  OpenRouterAuthError,
  toOpenRouterAuthError,
  type OpenRouterAuthErrorCode,
} from "../../src/core/index.js";
import { checkServiceUrl, httpUrl } from "../../src/core/http-url.js";
import { createCodeChallenge, hasWebCrypto } from "../../src/core/pkce.js";
import { rejection } from "../support/rejection.js";

const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const KEY = `sk-or-v1-${"0f".repeat(32)}`;

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** A fetch that records each call and answers with `respond()`. */
function fetchAnswering(respond: () => Response) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return respond();
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

const json = (body: unknown, init: ResponseInit = {}) => Response.json(body, init);
const errorBody = (status: number, message: string) => json({ error: { code: status, message } }, { status });

describe("isOpenRouterAuthError: ours, or another copy's, never a look-alike", () => {
  const every: Record<OpenRouterAuthErrorCode, true> = {
    invalid_request: true,
    unauthorized: true,
    forbidden: true,
    invalid_code: true,
    code_expired: true,
    invalid_code_challenge_method: true,
    conflict: true,
    rate_limited: true,
    http_error: true,
    server_error: true,
    network_error: true,
    invalid_response: true,
    aborted: true,
    timeout: true,
    unsupported: true,
    quota_exceeded: true,
    load_failed: true,
    popup_blocked: true,
    popup_closed: true,
    access_denied: true,
    no_pending_flow: true,
    cancelled: true,
  };

  it.each(Object.keys(every))("recognizes another copy's error with the documented code %s", (code) => {
    expect(isOpenRouterAuthError(Object.assign(new Error("x"), { name: "OpenRouterAuthError", code }))).toBe(true);
  });

  it.each([
    ["Node's ECONNREFUSED (a string code, another name)", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" })],
    ["another name with one of our codes", Object.assign(new Error("x"), { code: "timeout" })],
    ["our name with a code outside the list", Object.assign(new Error("x"), { name: "OpenRouterAuthError", code: "ECONNREFUSED" })],
    ["our name with a code that only looks like one", Object.assign(new Error("x"), { name: "OpenRouterAuthError", code: "timeout " })],
  ])("rejects %s", (_label, value) => {
    expect(isOpenRouterAuthError(value)).toBe(false);
    // …and wrapping it keeps its text out.
    const wrapped = toOpenRouterAuthError(value);
    expect(wrapped.code).toBe("network_error");
    expect(wrapped.message).not.toContain("ECONNREFUSED");
    expect(wrapped).not.toBe(value);
    expect(wrapped.cause).toBe(value);
  });

  it("quota_exceeded is retryable and carries retryAfterSeconds only when given", () => {
    expect(new OpenRouterAuthError("quota_exceeded", "x", { retryAfterSeconds: 30 })).toMatchObject({ retryable: true, retryAfterSeconds: 30 });
    expect("retryAfterSeconds" in new OpenRouterAuthError("quota_exceeded", "x")).toBe(false);
  });
});

describe("redaction stops at exactly 8 characters", () => {
  it.each([
    ["an 8-character API key echoed back is redacted", "s3cr3t!8", true],
    ["a 7-character one is too short to be a secret worth a search", "s3cr3t7", false],
  ])("%s", async (_label, apiKey, redacted) => {
    const { fetch } = fetchAnswering(() => errorBody(401, `Invalid key ${apiKey}`));
    const error = await rejection(createOpenRouterAuthClient({ apiKey, fetch }).createAuthCode({ callbackUrl: "https://app.example/cb" }));
    expect(error.message).toBe(redacted ? "OpenRouter answered 401: Invalid key [redacted]" : `OpenRouter answered 401: Invalid key ${apiKey}`);
  });
});

describe("only the exchange's answers name a PKCE failure", () => {
  it.each<["create" | "key", number, string, OpenRouterAuthErrorCode]>([
    ["create", 403, "Authorization code expired", "forbidden"],
    ["create", 403, "Invalid code or code_verifier", "forbidden"],
    ["create", 429, "Too many requests; your code expired", "rate_limited"],
    ["create", 400, "Invalid code_challenge_method", "invalid_request"],
    ["key", 403, "Authorization code expired", "forbidden"],
  ])("%s %i %j → %s", async (op, status, message, code) => {
    const { fetch } = fetchAnswering(() => errorBody(status, message));
    const client = createOpenRouterAuthClient({ apiKey: "sk-or-v1-app-key", fetch });
    const call = op === "create" ? client.createAuthCode({ callbackUrl: "https://app.example/cb" }) : client.getKeyInfo(KEY);
    expect((await rejection(call)).code).toBe(code);
  });
});

describe("a response is read as JSON only when it says so (Content-Type)", () => {
  it.each([
    ["text/plain", "text/plain;charset=UTF-8"],
    ["text/html", "text/html"],
    ["no Content-Type", null],
    ["application/jsonp", "application/jsonp"],
  ])("a 200 whose body is JSON but whose type is %s → invalid_response", async (_label, type) => {
    const { fetch } = fetchAnswering(() => {
      const response = new Response(JSON.stringify({ key: KEY, user_id: null }), { status: 200 });
      if (type) response.headers.set("Content-Type", type);
      else response.headers.delete("Content-Type");
      return response;
    });
    const error = await rejection(createOpenRouterAuthClient({ fetch }).exchangeAuthCode({ code: "auth_code_1" }));
    expect(error).toMatchObject({ code: "invalid_response", status: 200, message: "OpenRouter's answer (HTTP 200) was not JSON." });
    expect(error.message).not.toContain(KEY);
  });

  it.each(["application/json", "application/json; charset=utf-8", "Application/JSON", "application/vnd.openrouter+json"])("takes %s", async (type) => {
    const { fetch } = fetchAnswering(() => new Response(JSON.stringify({ key: KEY, user_id: null }), { headers: { "Content-Type": type } }));
    await expect(createOpenRouterAuthClient({ fetch }).exchangeAuthCode({ code: "auth_code_1" })).resolves.toEqual({ key: KEY, userId: null });
  });

  it("an error page that is not JSON by its type: its text is not read, the status speaks", async () => {
    const { fetch } = fetchAnswering(() => new Response(JSON.stringify({ error: { message: "Authorization code expired" } }), { status: 403, headers: { "Content-Type": "text/html" } }));
    const error = await rejection(createOpenRouterAuthClient({ fetch }).exchangeAuthCode({ code: "auth_code_1" }));
    expect(error).toMatchObject({ code: "forbidden", status: 403, message: "OpenRouter answered 403: HTTP 403" });
  });
});

describe("quota refusals from your own routes", () => {
  const quota = (headers: Record<string, string> = {}) =>
    json({ error: { code: "quota_exceeded", status: 429, scope: "subject", message: "Key quota reached for now." } }, { status: 429, headers });

  it("a 429 with code quota_exceeded → quota_exceeded, retryable, with Retry-After in seconds", async () => {
    const { fetch } = fetchAnswering(() => quota({ "Retry-After": "120" }));
    const error = await rejection(createOpenRouterAuthClient({ mintUrl: "https://app.example/api/mint", fetch }).createAuthCode({ callbackUrl: "https://app.example/cb" }));
    expect(error).toMatchObject({ code: "quota_exceeded", status: 429, retryable: true, retryAfterSeconds: 120, message: "OpenRouter answered 429: Key quota reached for now." });
  });

  it("Retry-After as an HTTP date counts the seconds from now; an unreadable one is left out", async () => {
    vi.useFakeTimers({ now: Date.parse("2030-01-01T00:00:00Z"), toFake: ["Date"] });
    const dated = fetchAnswering(() => quota({ "Retry-After": "Tue, 01 Jan 2030 00:01:30 GMT" }));
    const error = await rejection(createOpenRouterAuthClient({ exchangeUrl: "https://app.example/x", fetch: dated.fetch }).exchangeAuthCodeOnServer!({ code: "c" }));
    expect(error.retryAfterSeconds).toBe(90);
    const junk = fetchAnswering(() => quota({ "Retry-After": "soon" }));
    const unread = await rejection(createOpenRouterAuthClient({ exchangeUrl: "https://app.example/x", fetch: junk.fetch }).exchangeAuthCodeOnServer!({ code: "c" }));
    expect(unread.code).toBe("quota_exceeded");
    expect("retryAfterSeconds" in unread).toBe(false);
  });

  it("OpenRouter's own 429 stays rate_limited (its codes are numbers)", async () => {
    const { fetch } = fetchAnswering(() => json({ error: { code: 429, message: "Rate limit exceeded" } }, { status: 429, headers: { "Retry-After": "5" } }));
    const error = await rejection(createOpenRouterAuthClient({ fetch }).exchangeAuthCode({ code: "c" }));
    expect(error).toMatchObject({ code: "rate_limited", retryAfterSeconds: 5 });
  });
});

describe("the exchange route: the key stays on your server", () => {
  it("POSTs exactly { code, codeVerifier, codeChallengeMethod } to the route, without the API key, and returns { userId, keyHint }", async () => {
    vi.stubGlobal("location", { href: "https://app.example/settings", origin: "https://app.example" });
    const { fetch, calls } = fetchAnswering(() => json({ userId: "user_1", keyHint: "sk-or-v1-…0f0f", extra: "ignored" }));
    const client = createOpenRouterAuthClient({ exchangeUrl: "/api/openrouter/exchange", apiKey: "sk-or-v1-app-key", fetch });
    expect(client.exchangeUrl).toBe("/api/openrouter/exchange");
    await expect(client.exchangeAuthCodeOnServer!({ code: "auth_code_1", codeVerifier: VERIFIER, codeChallengeMethod: "S256" })).resolves.toEqual({
      userId: "user_1",
      keyHint: "sk-or-v1-…0f0f",
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe("https://app.example/api/openrouter/exchange");
    expect(calls[0]?.init.method).toBe("POST");
    expect(JSON.parse(calls[0]?.init.body as string)).toEqual({ code: "auth_code_1", codeVerifier: VERIFIER, codeChallengeMethod: "S256" });
    const headers = calls[0]?.init.headers as Record<string, string>;
    expect(headers.Authorization).toBeUndefined();
    expect(headers["Content-Type"]).toBe("application/json");
  });

  it("a call's own exchangeUrl wins over the client's", async () => {
    const { fetch, calls } = fetchAnswering(() => json({ userId: null, keyHint: "sk-or-v1-…0f0f" }));
    const client = createOpenRouterAuthClient({ exchangeUrl: "https://app.example/a", fetch });
    await client.exchangeAuthCodeOnServer!({ code: "c" }, { exchangeUrl: "https://app.example/b" });
    expect(calls[0]?.url).toBe("https://app.example/b");
  });

  it("refuses an answer that carries a whole key as its hint (invalid_response), without showing it", async () => {
    const { fetch } = fetchAnswering(() => json({ userId: null, keyHint: KEY }));
    const error = await rejection(createOpenRouterAuthClient({ exchangeUrl: "https://app.example/x", fetch }).exchangeAuthCodeOnServer!({ code: "c" }));
    expect(error).toMatchObject({ code: "invalid_response", issues: [{ path: ["keyHint"] }] });
    expect(JSON.stringify({ message: error.message, issues: error.issues })).not.toContain(KEY);
  });

  it.each<[number, string, OpenRouterAuthErrorCode]>([
    [403, "Invalid code or code_verifier", "invalid_code"],
    [403, "Authorization code expired", "code_expired"],
    [400, "Invalid code_challenge_method", "invalid_code_challenge_method"],
    [502, "Bad Gateway", "server_error"],
  ])("the route's %i %j → %s, the code and verifier redacted from any echo", async (status, message, code) => {
    const { fetch } = fetchAnswering(() => errorBody(status, `${message} (auth_code_secret1 ${VERIFIER})`));
    const error = await rejection(createOpenRouterAuthClient({ exchangeUrl: "https://app.example/x", fetch }).exchangeAuthCodeOnServer!({ code: "auth_code_secret1", codeVerifier: VERIFIER }));
    expect(error.code).toBe(code);
    expect(error.message).not.toContain(VERIFIER);
    expect(error.message).not.toContain("auth_code_secret1");
  });

  it("without a route, or with a path outside a browser or one that leaves this site: invalid_request, nothing sent", async () => {
    const { fetch, calls } = fetchAnswering(() => json({}));
    await expect(createOpenRouterAuthClient({ fetch }).exchangeAuthCodeOnServer!({ code: "c" })).rejects.toMatchObject({ code: "invalid_request", issues: [{ path: ["exchangeUrl"] }] });
    await expect(createOpenRouterAuthClient({ exchangeUrl: "/api/x", fetch }).exchangeAuthCodeOnServer!({ code: "c" })).rejects.toMatchObject({ code: "invalid_request" });
    vi.stubGlobal("location", { href: "https://app.example/page", origin: "https://app.example" });
    await expect(createOpenRouterAuthClient({ exchangeUrl: "/\t/evil.example/x", fetch }).exchangeAuthCodeOnServer!({ code: "c" })).rejects.toMatchObject({
      code: "invalid_request",
      issues: [{ path: ["exchangeUrl"], message: "must be a path on this site" }],
    });
    await expect(createOpenRouterAuthClient({ exchangeUrl: "/api/x", fetch }).exchangeAuthCodeOnServer!({ code: "two words" })).rejects.toMatchObject({ code: "invalid_request" });
    expect(calls).toEqual([]);
  });
});

describe("no secret over cleartext: https, or http on a loopback host only", () => {
  it.each([
    ["baseUrl", { baseUrl: "http://openrouter.example/api/v1" }],
    ["mintUrl", { mintUrl: "http://app.example/api/mint" }],
    ["exchangeUrl", { exchangeUrl: "http://app.example/api/exchange" }],
    ["baseUrl", { baseUrl: "https://user:pass@openrouter.ai/api/v1" }],
    ["baseUrl", { baseUrl: "http://localhost.evil.example/api/v1" }],
  ])("refuses %s %j", (name, options) => {
    let thrown: unknown;
    try {
      createOpenRouterAuthClient(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: "invalid_request", issues: [{ path: [name] }] });
  });

  it.each(["http://localhost:8787/api/v1", "http://127.0.0.1:8787/api/v1", "http://[::1]:8787/api/v1", "https://openrouter.ai/api/v1"])("accepts %s", (baseUrl) => {
    expect(createOpenRouterAuthClient({ baseUrl }).baseUrl).toBe(baseUrl);
  });

  it("the consent page too", () => {
    const request = { callbackUrl: "https://app.example/cb", codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", codeChallengeMethod: "S256" as const };
    expect(() => buildAuthorizationUrl({ ...request, authUrl: "http://openrouter.example/auth" })).toThrow(expect.objectContaining({ code: "invalid_request" }));
    expect(buildAuthorizationUrl({ ...request, authUrl: "http://127.0.0.1:8787/auth" })).toMatch(/^http:\/\/127\.0\.0\.1:8787\/auth\?/);
  });

  it("httpUrl's scheme check is anchored: xhttp: and xhttps: are not http(s)", () => {
    expect(httpUrl("xhttp://openrouter.ai/")).toBeUndefined();
    expect(httpUrl("xhttps://openrouter.ai/")).toBeUndefined();
    expect(httpUrl("https://openrouter.ai/")?.protocol).toBe("https:");
    expect(checkServiceUrl("xhttps://openrouter.ai/")).toBe("must be an absolute http(s) URL");
  });
});

describe("the keys page", () => {
  it.each([
    ["https://openrouter.ai/auth", "https://openrouter.ai/settings/keys"],
    ["http://127.0.0.1:8787/auth?x=1", "http://127.0.0.1:8787/settings/keys"],
    ["https://openrouter.test/tenant-a/auth", "https://openrouter.test/tenant-a/settings/keys"],
    ["https://example.test/consent", DEFAULT_KEYS_URL],
    ["https://example.test/oauth", DEFAULT_KEYS_URL],
    ["javascript:alert(1)//auth", DEFAULT_KEYS_URL],
    ["http://openrouter.example/auth", DEFAULT_KEYS_URL],
    // "auth" as the last segment only, and only that one is replaced.
    ["https://openrouter.test/authorize", DEFAULT_KEYS_URL],
    ["https://openrouter.test/auth/", DEFAULT_KEYS_URL],
    ["https://openrouter.test/authn/auth", "https://openrouter.test/authn/settings/keys"],
  ])("%s → %s", (authUrl, keys) => {
    expect(keysUrlFor(authUrl)).toBe(keys);
  });
});

describe("a runtime without WebCrypto", () => {
  it("says unsupported, never a TypeError (globalThis.crypto undefined)", async () => {
    vi.stubGlobal("crypto", undefined);
    expect(hasWebCrypto()).toBe(false);
    expect(() => createCodeVerifier()).toThrow(expect.objectContaining({ code: "unsupported" }));
    await expect(createPkcePair()).rejects.toMatchObject({ code: "unsupported" });
    // A verifier made elsewhere: its challenge needs SHA-256, which is missing too.
    await expect(createCodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).rejects.toMatchObject({ code: "unsupported" });
  });

  it("needs both random values and subtle", () => {
    vi.stubGlobal("crypto", { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    expect(hasWebCrypto()).toBe(false);
    vi.stubGlobal("crypto", { subtle: globalThis.crypto.subtle });
    expect(hasWebCrypto()).toBe(false);
  });
});
