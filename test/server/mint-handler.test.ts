import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { OpenRouterAuthError } from "../../src/core/errors.js";
import { createPkcePair } from "../../src/core/pkce.js";
import { MAX_LIMIT } from "../../src/core/schemas.js";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import {
  createMintHandler,
  type MintedEvent,
  type MintHandler,
  type MintHandlerOptions,
  type MintPolicy,
  type RefusedEvent,
} from "../../src/server/index.js";
import { answersSeen, APP, APP_KEY, call, CALLBACK, expectError, jsonRequest, ROUTE, wireBody } from "./support.js";

const WRONG_KEY = "sk-or-v1-not-the-right-key-9876543210fedcba";
const POLICY: MintPolicy = { maxLimit: 10, maxLifetimeSeconds: 3600, allowedOrigins: [APP] };

let emulator: RunningOpenRouterEmulator;

beforeAll(async () => {
  emulator = await startOpenRouterEmulator({ apiKeys: [APP_KEY] });
});
afterEach(() => {
  emulator.reset();
  vi.useRealTimers();
});
afterAll(async () => {
  await emulator.close();
  // Every answer any test got, success or error: the app's key never appears.
  expect(answersSeen.length).toBeGreaterThan(20);
  for (const text of answersSeen) {
    expect(text).not.toContain(APP_KEY);
    expect(text).not.toContain(WRONG_KEY);
  }
});

function handlerWith(options: Partial<MintHandlerOptions> = {}, policy: Partial<MintPolicy> = {}): MintHandler {
  return createMintHandler({ apiKey: APP_KEY, baseUrl: emulator.apiBaseUrl, authorize: () => true, ...options, policy: { ...POLICY, ...policy } });
}

/** A fetch that passes through to the emulator and records every call. */
function recordingFetch() {
  return vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
}

/** What `creating` threw, asserted to be invalid_request. */
function constructionError(options: unknown): OpenRouterAuthError {
  try {
    createMintHandler(options as MintHandlerOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(OpenRouterAuthError);
    expect((error as OpenRouterAuthError).code).toBe("invalid_request");
    return error as OpenRouterAuthError;
  }
  throw new Error(`createMintHandler accepted ${JSON.stringify(options)}`);
}

describe("createMintHandler fails closed: required options, at construction", () => {
  const base: Record<string, unknown> = { apiKey: APP_KEY, authorize: () => true, policy: POLICY };

  it.each([
    ["authorize", { ...base, authorize: undefined }, /createMintHandler: authorize is required/],
    ["policy", { apiKey: APP_KEY, authorize: () => true }, /createMintHandler: policy is required/],
    ["policy.maxLimit", { ...base, policy: { ...POLICY, maxLimit: undefined } }, /createMintHandler: policy\.maxLimit is required/],
    ["policy.maxLifetimeSeconds", { ...base, policy: { ...POLICY, maxLifetimeSeconds: undefined } }, /createMintHandler: policy\.maxLifetimeSeconds is required/],
    ["policy.allowedOrigins", { ...base, policy: { ...POLICY, allowedOrigins: undefined } }, /createMintHandler: policy\.allowedOrigins is required.*never trusts Host/],
  ])("without %s: invalid_request naming it", (name, options, message) => {
    const error = constructionError(options);
    expect(error.message).toMatch(message);
    expect(error.issues?.[0]?.path.join(".")).toBe(name);
  });

  it("refuses policy.maxLimit above MAX_LIMIT, and takes MAX_LIMIT itself", () => {
    expect(constructionError({ ...base, policy: { ...POLICY, maxLimit: MAX_LIMIT + 1 } }).issues?.[0]?.path).toEqual(["policy", "maxLimit"]);
    expect(() => createMintHandler({ ...base, policy: { ...POLICY, maxLimit: MAX_LIMIT } } as MintHandlerOptions)).not.toThrow();
    // 0 is a bound too (keys without credit); anything under it is not.
    expect(() => createMintHandler({ ...base, policy: { ...POLICY, maxLimit: 0 } } as MintHandlerOptions)).not.toThrow();
    expect(constructionError({ ...base, policy: { ...POLICY, maxLimit: -0.01 } }).issues?.[0]?.path).toEqual(["policy", "maxLimit"]);
  });

  it("throws for a missing or malformed apiKey, without echoing it", () => {
    for (const apiKey of [undefined, "", "  ", "sk-or-v1 with spaces", 42]) {
      const error = constructionError({ ...base, apiKey });
      expect(error.issues?.[0]?.path).toEqual(["apiKey"]);
      expect(error.message).not.toContain("with spaces");
    }
  });

  it("throws for a policy that makes no sense", () => {
    const policies: [Record<string, unknown>, string][] = [
      [{ maxLimit: -1 }, "maxLimit"],
      [{ maxLimit: Number.NaN }, "maxLimit"],
      [{ maxLimit: "10" }, "maxLimit"],
      [{ maxLifetimeSeconds: 0 }, "maxLifetimeSeconds"],
      [{ maxLifetimeSeconds: 1.5 }, "maxLifetimeSeconds"],
      [{ allowedOrigins: "https://app.example" }, "allowedOrigins"],
      [{ allowedOrigins: ["ftp://app.example"] }, "allowedOrigins.0"],
      [{ allowedOrigins: ["https://app.example/path"] }, "allowedOrigins.0"],
      [{ allowedUsageLimitTypes: ["yearly"] }, "allowedUsageLimitTypes.0"],
      [{ allowedUsageLimitTypes: "daily" }, "allowedUsageLimitTypes"],
      [{ allowedCallbackOrigins: ["https://app.example/callback"] }, "allowedCallbackOrigins.0"],
      [{ allowedCallbackOrigins: ["app.example"] }, "allowedCallbackOrigins.0"],
      [{ defaultKeyLabel: "" }, "defaultKeyLabel"],
      [{ defaultKeyLabel: "x".repeat(101) }, "defaultKeyLabel"],
      [{ keyLabel: "fixed" }, "keyLabel"],
      [{ keyLabel: () => "x", defaultKeyLabel: "y" }, "defaultKeyLabel"],
      [{ allowedWorkspaceIds: ["not-a-uuid"] }, "allowedWorkspaceIds.0"],
      [{ allowedWorkspaceIds: ["3f2504e0-4f89-41d3-9a0c-0305e82c3301", "3f2504e0-4f89-41d3-9a0c-0305e82c330"] }, "allowedWorkspaceIds.1"],
      [{ allowedWorkspaceIds: "3f2504e0-4f89-41d3-9a0c-0305e82c3301" }, "allowedWorkspaceIds"],
      [{ requireCodeChallenge: "yes" }, "requireCodeChallenge"],
      [{ maxLimits: 10 }, "maxLimits"],
    ];
    for (const [change, field] of policies) {
      const error = constructionError({ ...base, policy: { ...POLICY, ...change } });
      expect(error.issues?.[0]?.path.join("."), JSON.stringify(change)).toBe(`policy.${field}`);
    }
    expect(constructionError({ ...base, policy: null }).issues?.[0]?.path).toEqual(["policy"]);
  });

  it("throws for options of the wrong kind, and for an option it does not know (a typo must not turn a bound off)", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ baseUrl: "not a url" }, "baseUrl"],
      [{ authorize: true }, "authorize"],
      [{ fetch: "fetch" }, "fetch"],
      [{ timeoutMs: -5 }, "timeoutMs"],
      [{ bodyTimeoutMs: 0 }, "bodyTimeoutMs"],
      [{ bodyTimeoutMs: Number.POSITIVE_INFINITY }, "bodyTimeoutMs"],
      [{ onMinted: "log" }, "onMinted"],
      [{ onRefused: {} }, "onRefused"],
      [{ qouta: { global: { windowSeconds: 60, maxKeys: 1 } } }, "qouta"],
    ];
    for (const [change, field] of cases) {
      const error = constructionError({ ...base, ...change });
      expect(error.message, JSON.stringify(change)).toContain(field);
    }
    expect(() => createMintHandler(undefined as unknown as MintHandlerOptions)).toThrow(OpenRouterAuthError);
  });
});

describe("createMintHandler: success", () => {
  it("mints with the app's key and answers the spec's response, the policy's bounds filled in", async () => {
    const handler = handlerWith({}, { defaultKeyLabel: "Example app", allowedUsageLimitTypes: ["daily", "weekly"] });
    const before = Date.now();
    const body = await wireBody();
    const answer = await call(handler, jsonRequest(body));

    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.json).toEqual({ data: { id: expect.any(String), app_id: 1, created_at: expect.stringMatching(/Z$/) } });
    // The emulator only mints for a bearer in its apiKeys: it saw the app's key.
    expect(emulator.codesIssued()).toHaveLength(1);
    const [issued] = emulator.codesIssued();
    expect(issued).toMatchObject({
      code: answer.json.data?.id,
      source: "minted",
      callbackUrl: CALLBACK,
      codeChallenge: body.code_challenge,
      codeChallengeMethod: "S256",
      limit: 10, // maxLimit, as the request named none
      keyLabel: "Example app",
      usageLimitType: null,
      workspaceId: null,
    });
    const expires = Date.parse(issued?.expiresAt ?? "");
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it("passes what the request asks for when it is within the policy", async () => {
    const handler = handlerWith({}, { maxLifetimeSeconds: 86_400, allowedUsageLimitTypes: ["daily"], defaultKeyLabel: "Default" });
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const answer = await call(handler, jsonRequest(await wireBody({ limit: 2.5, usage_limit_type: "daily", expires_at: expiresAt, key_label: "Mine" })));
    expect(answer.status).toBe(200);
    expect(emulator.codesIssued()[0]).toMatchObject({ limit: 2.5, usageLimitType: "daily", expiresAt, keyLabel: "Mine" });
  });

  it("tolerates the context argument Next.js passes", async () => {
    const response = await handlerWith()(jsonRequest(await wireBody()), { params: Promise.resolve({}) });
    answersSeen.push(await response.clone().text());
    expect(response.status).toBe(200);
  });
});

describe("createMintHandler: which origins may mint", () => {
  it("only policy.allowedOrigins decides: a forged Host or request URL changes nothing", async () => {
    const handler = handlerWith();
    const forged = jsonRequest(await wireBody(), { url: "https://attacker.test/api/openrouter/mint", origin: "https://attacker.test" });
    expectError(await call(handler, forged), 403, "Requests from this origin may not mint keys.");
    // Behind a proxy the handler sees an internal URL: the app's origin is still the one allowed.
    const internal = "http://10.0.0.7:3000/api/openrouter/mint";
    expect((await call(handler, jsonRequest(await wireBody(), { url: internal }))).status).toBe(200);
    expectError(await call(handler, jsonRequest(await wireBody(), { url: internal, origin: "http://10.0.0.7:3000" })), 403);
  });

  it("refuses a foreign Origin before reading the body or asking authorize", async () => {
    const authorize = vi.fn(() => true);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode("{}"));
        controller.close();
      },
    }, { highWaterMark: 0 }); // pulled only when read
    const request = new Request(ROUTE, { method: "POST", headers: { Origin: "https://evil.example", "Content-Type": "application/json" }, body, duplex: "half" } as RequestInit);
    expectError(await call(handlerWith({ authorize }), request), 403);
    expect(authorize).not.toHaveBeenCalled();
    expect(pulled).toBe(0);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it('refuses Origin "null" (sandboxed frames, privacy redirects)', async () => {
    expectError(await call(handlerWith(), jsonRequest(await wireBody(), { origin: "null" })), 403);
  });

  it("leaves a request without Origin to authorize (server to server)", async () => {
    const allow = vi.fn(async (request: Request) => request.headers.get("authorization") === "Bearer internal-token");
    const handler = handlerWith({ authorize: allow });
    expectError(await call(handler, jsonRequest(await wireBody(), { origin: null })), 403);
    const withToken = jsonRequest(await wireBody(), { origin: null, headers: { Authorization: "Bearer internal-token" } });
    expect((await call(handler, withToken)).status).toBe(200);
    expect(allow).toHaveBeenCalledTimes(2);
  });

  it("allowedOrigins: [] lets no browser mint, and still serves callers authorize vouches for", async () => {
    const handler = handlerWith({ authorize: () => ({ subject: "backend" }) }, { allowedOrigins: [] });
    expectError(await call(handler, jsonRequest(await wireBody())), 403);
    expect((await call(handler, jsonRequest(await wireBody(), { origin: null }))).status).toBe(200);
  });
});

describe("createMintHandler: authorize", () => {
  it("gets the parsed body; the request's own body is consumed by then", async () => {
    const seen: Array<{ body: unknown; bodyUsed: boolean }> = [];
    const handler = handlerWith({
      authorize: (request, { body }) => {
        seen.push({ body, bodyUsed: request.bodyUsed });
        return true;
      },
    });
    const body = await wireBody();
    expect((await call(handler, jsonRequest(body))).status).toBe(200);
    expect(seen).toEqual([{ body, bodyUsed: true }]);
  });

  it("runs after the body is read and before the schema: a broken body is 400 even unauthorized, a bad field is 403 unauthorized", async () => {
    const authorize = vi.fn(() => false);
    const handler = handlerWith({ authorize });
    expectError(await call(handler, jsonRequest("{not json")), 400, /JSON/);
    expect(authorize).not.toHaveBeenCalled();
    expectError(await call(handler, jsonRequest({ limit: "all of it" })), 403);
    expect(authorize).toHaveBeenCalledTimes(1);
  });

  it("false is 403, anything that is not true, { subject } or a Response refuses, a Response is sent as it is", async () => {
    const body = await wireBody();
    for (const verdict of [false, undefined, null, "yes", 1, {}, { subject: "" }, { subject: 42 }, { subject: "x".repeat(513) }]) {
      expectError(await call(handlerWith({ authorize: (() => verdict) as never }), jsonRequest(body)), 403, "Not allowed.");
    }
    expect((await call(handlerWith({ authorize: () => ({ subject: "x".repeat(512) }) }), jsonRequest(body))).status).toBe(200);

    const unauthorized = new Response(JSON.stringify({ error: { code: 401, message: "Sign in first." } }), {
      status: 401,
      headers: { "Content-Type": "application/json", "WWW-Authenticate": "Bearer" },
    });
    const answer = await call(handlerWith({ authorize: async () => unauthorized }), jsonRequest(await wireBody()));
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe("Bearer");
    expect(answer.json).toEqual({ error: { code: 401, message: "Sign in first." } });
    expect(emulator.codesIssued()).toHaveLength(1); // only the 512-character subject's
  });

  it("a throwing authorize is a 500 without details", async () => {
    const refused: RefusedEvent[] = [];
    const handler = handlerWith({
      authorize: () => {
        throw new Error(`session store down at db.internal:5432 (${APP_KEY})`);
      },
      onRefused: (event) => void refused.push(event),
    });
    const answer = await call(handler, jsonRequest(await wireBody()));
    expect(answer.json).toEqual({ error: { code: 500, message: "Internal server error." } });
    expect(answer.text).not.toMatch(/db\.internal|session/);
    expect(refused).toEqual([{ subject: undefined, status: 500, reason: "authorize", detail: expect.stringContaining("db.internal:5432"), at: expect.any(Date) }]);
    expect(refused[0]?.detail).not.toContain(APP_KEY);
  });

  it("an unexpected exception is a 500 with a generic message, never a 400 with its raw text", async () => {
    // A verdict whose subject getter throws one of our own invalid_request errors: it reaches the catch-all.
    const verdict = {
      get subject(): string {
        throw new OpenRouterAuthError("invalid_request", "raw internal text: db.internal");
      },
    };
    const refused: RefusedEvent[] = [];
    const answer = await call(handlerWith({ authorize: () => verdict, onRefused: (e) => void refused.push(e) }), jsonRequest(await wireBody()));
    expect(answer.json).toEqual({ error: { code: 500, message: "Internal server error." } });
    expect(refused).toMatchObject([{ status: 500, reason: "internal", detail: expect.stringContaining("raw internal text") }]);
  });
});

describe("createMintHandler: policy", () => {
  it("takes a limit exactly at maxLimit and refuses the next cent with 400 instead of capping it", async () => {
    const handler = handlerWith();
    expect((await call(handler, jsonRequest(await wireBody({ limit: 10 })))).status).toBe(200);
    const over = await call(handler, jsonRequest(await wireBody({ limit: 10.01 })));
    expectError(over, 400, "Invalid request: limit: must be at most 10 (this app's maximum)");
    expect(over.json.error?.metadata?.issues).toEqual([{ path: ["limit"], message: "must be at most 10 (this app's maximum)" }]);
    expect(emulator.codesIssued()).toMatchObject([{ limit: 10 }]);
  });

  it("refuses a usage_limit_type the policy does not allow, and every one under an empty list", async () => {
    expectError(await call(handlerWith({}, { allowedUsageLimitTypes: ["daily", "weekly"] }), jsonRequest(await wireBody({ usage_limit_type: "monthly" }))), 400, /usage_limit_type: must be one of daily, weekly/);
    expectError(await call(handlerWith({}, { allowedUsageLimitTypes: [] }), jsonRequest(await wireBody({ usage_limit_type: "daily" }))), 400, /usage_limit_type/);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("refuses an expiry beyond maxLifetimeSeconds, and a key that never expires", async () => {
    const handler = handlerWith();
    const tooLate = new Date(Date.now() + 3_700_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    expectError(await call(handler, jsonRequest(await wireBody({ expires_at: tooLate }))), 400, /expires_at: must be at most 3600 seconds from now/);
    expectError(await call(handler, jsonRequest(await wireBody({ expires_at: null }))), 400, /expires_at: must be set/);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("refuses a callback_url on an origin the policy does not allow", async () => {
    const handler = handlerWith({}, { allowedCallbackOrigins: ["https://app.example/", "http://localhost:3000"] });
    expectError(await call(handler, jsonRequest(await wireBody({ callback_url: "https://evil.example/cb" }))), 400, /callback_url/);
    expectError(await call(handler, jsonRequest(await wireBody({ callback_url: "https://app.example:8443/cb" }))), 400, /callback_url/);
    expect((await call(handler, jsonRequest(await wireBody({ callback_url: "http://localhost:3000/cb" })))).status).toBe(200);
    expect((await call(handler, jsonRequest(await wireBody()))).status).toBe(200);
  });

  it("limits workspace_id to policy.allowedWorkspaceIds, case-insensitively; an absent one takes the only allowed workspace", async () => {
    const allowed = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    const other = "9b2d4c1a-0e7f-4a5b-8c6d-1e2f3a4b5c6d";
    const upstream = recordingFetch();
    const handler = handlerWith({ fetch: upstream as typeof fetch }, { allowedWorkspaceIds: [allowed.toUpperCase()] });

    const unknown = await call(handler, jsonRequest(await wireBody({ workspace_id: other })));
    expectError(unknown, 400, /workspace_id: must be a workspace this app allows/);
    expect(unknown.text).not.toContain(allowed.toUpperCase()); // the browser does not learn the allowed ones
    expect(upstream).not.toHaveBeenCalled();

    expect((await call(handler, jsonRequest(await wireBody({ workspace_id: allowed })))).status).toBe(200);
    const mixed = "3F2504E0-4f89-41D3-9a0c-0305E82C3301";
    expect((await call(handler, jsonRequest(await wireBody({ workspace_id: mixed })))).status).toBe(200);
    expect((await call(handler, jsonRequest(await wireBody()))).status).toBe(200);
    expect(emulator.codesIssued().map((c) => c.workspaceId)).toEqual([allowed, mixed, allowed.toUpperCase()]);
  });

  it("asks for workspace_id when several are allowed and the request names none; an empty list keeps the default workspace", async () => {
    const [a, b] = ["3f2504e0-4f89-41d3-9a0c-0305e82c3301", "9b2d4c1a-0e7f-4a5b-8c6d-1e2f3a4b5c6d"];
    const several = handlerWith({}, { allowedWorkspaceIds: [a, b] });
    const missing = await call(several, jsonRequest(await wireBody()));
    expectError(missing, 400, /workspace_id: is required by this app/);
    expect(missing.text).not.toContain(a);
    expect((await call(several, jsonRequest(await wireBody({ workspace_id: b })))).status).toBe(200);

    const defaultOnly = handlerWith({}, { allowedWorkspaceIds: [] });
    expectError(await call(defaultOnly, jsonRequest(await wireBody({ workspace_id: a }))), 400, /workspace_id/);
    expect((await call(defaultOnly, jsonRequest(await wireBody()))).status).toBe(200);
    expect(emulator.codesIssued().map((c) => c.workspaceId)).toEqual([b, null]);
  });

  it("requires an S256 challenge by default, before OpenRouter is asked; requireCodeChallenge: false turns that off", async () => {
    const upstream = recordingFetch();
    const handler = handlerWith({ fetch: upstream as typeof fetch });
    const pair = await createPkcePair();

    const missing = await call(handler, jsonRequest({ callback_url: CALLBACK }));
    expectError(missing, 400, /code_challenge: is required/);
    const plain = await call(handler, jsonRequest({ callback_url: CALLBACK, code_challenge: pair.codeVerifier, code_challenge_method: "plain" }));
    expectError(plain, 400, /code_challenge_method: must be "S256"/);
    // OpenRouter (RFC 7636) reads a challenge without a method as plain.
    expectError(await call(handler, jsonRequest({ callback_url: CALLBACK, code_challenge: pair.codeChallenge })), 400, /code_challenge_method: must be "S256"/);
    expect(upstream).not.toHaveBeenCalled();

    expect((await call(handler, jsonRequest({ callback_url: CALLBACK, code_challenge: pair.codeChallenge, code_challenge_method: "S256" }))).status).toBe(200);
    expect((await call(handlerWith({}, { requireCodeChallenge: false }), jsonRequest({ callback_url: CALLBACK }))).status).toBe(200);
    expect(emulator.codesIssued()).toMatchObject([{ codeChallengeMethod: "S256" }, { codeChallenge: null }]);
  });

  it("lists every violation at once", async () => {
    const handler = handlerWith({}, { maxLimit: 1, allowedUsageLimitTypes: ["daily"], allowedCallbackOrigins: [APP] });
    const answer = await call(handler, jsonRequest(await wireBody({ limit: 5, usage_limit_type: "weekly", callback_url: "https://other.example/cb" })));
    expectError(answer, 400);
    expect(answer.json.error?.metadata?.issues.map((i) => i.path[0])).toEqual(["limit", "usage_limit_type", "callback_url"]);
  });

  it("refuses an invalid body with 400 naming the field (the client's own schema)", async () => {
    const handler = handlerWith();
    const badLimit = await call(handler, jsonRequest(await wireBody({ limit: -1 })));
    expectError(badLimit, 400, /limit/);
    expect(badLimit.json.error?.metadata?.issues[0]?.path).toEqual(["limit"]);
    expectError(await call(handler, jsonRequest(await wireBody({ callbackUrl: CALLBACK }))), 400, /callbackUrl: unknown key/);
    expectError(await call(handler, jsonRequest(await wireBody({ expires_at: "2030-01-01T00:00Z" }))), 400, /expires_at/);
    expectError(await call(handler, jsonRequest({ limit: 1 })), 400, /callback_url/);
    expectError(await call(handler, jsonRequest(`{"callback_url":"${CALLBACK}","__proto__":{"limit":1}}`)), 400, /__proto__/);
    expectError(await call(handler, jsonRequest([1, 2])), 400, /JSON object/);
    expect(emulator.codesIssued()).toHaveLength(0);
  });
});

describe("createMintHandler: policy.keyLabel, the server's label", () => {
  it("labels the key from the subject and ignores the browser's key_label", async () => {
    const keyLabel = vi.fn(({ subject }: { subject: string | undefined; request: Request }) => `example:${subject}`);
    const handler = handlerWith({ authorize: () => ({ subject: "user_42" }) }, { keyLabel });
    expect((await call(handler, jsonRequest(await wireBody({ key_label: "Chosen by the browser" })))).status).toBe(200);
    expect(emulator.codesIssued()).toMatchObject([{ keyLabel: "example:user_42" }]);
    expect(keyLabel).toHaveBeenCalledWith({ subject: "user_42", request: expect.any(Request) });
  });

  it("a label that breaks the key-label rule, or a throw, is a 500 reported to onRefused, never forwarded", async () => {
    for (const bad of [() => "", () => "x".repeat(101), () => "line\nbreak", () => 42, () => { throw new Error("no label"); }]) {
      const refused: RefusedEvent[] = [];
      const upstream = recordingFetch();
      const handler = handlerWith({ fetch: upstream as typeof fetch, onRefused: (e) => void refused.push(e) }, { keyLabel: bad as () => string });
      expectError(await call(handler, jsonRequest(await wireBody())), 500, "Internal server error.");
      expect(upstream).not.toHaveBeenCalled();
      expect(refused).toMatchObject([{ status: 500, reason: "config", detail: expect.stringMatching(/policy\.keyLabel/) }]);
    }
  });
});

describe("createMintHandler: OpenRouter's answers", () => {
  it("OpenRouter refusing the app's key is a 502 that says the route is misconfigured", async () => {
    const wrong = createMintHandler({ apiKey: WRONG_KEY, baseUrl: emulator.apiBaseUrl, authorize: () => true, policy: POLICY });
    expectError(await call(wrong, jsonRequest(await wireBody())), 502, /refused this server's API key \(HTTP 401\).*misconfigured/);
    emulator.faults.failNext("code", { status: 403, message: `Key ${APP_KEY} is disabled` });
    expectError(await call(handlerWith(), jsonRequest(await wireBody())), 502, /HTTP 403.*misconfigured/);
  });

  it("400, 409 and 429 keep their status with a fixed text: OpenRouter's own words go to onRefused only", async () => {
    const refused: RefusedEvent[] = [];
    const handler = handlerWith({ onRefused: (e) => void refused.push(e) });
    const cases: [number, string, string][] = [
      [400, `workspace not found for ${APP_KEY}`, "OpenRouter refused to create an authorization code for this request."],
      [409, "Resource conflict. Please try again later.", "OpenRouter reported a conflict. Try again later."],
      [429, "Rate limit exceeded: free-models-per-day", "OpenRouter is receiving too many requests from this app. Try again later."],
    ];
    for (const [status, upstreamText, browserText] of cases) {
      emulator.faults.failNext("code", { status, message: upstreamText });
      const answer = await call(handler, jsonRequest(await wireBody()));
      expectError(answer, status, browserText);
      expect(answer.text).not.toContain(upstreamText.replace(APP_KEY, "[redacted]").slice(0, 20));
    }
    expect(refused.map((e) => [e.status, e.reason])).toEqual([[400, "upstream"], [409, "upstream"], [429, "upstream"]]);
    expect(refused[0]?.detail).toContain("workspace not found for [redacted]");
    expect(refused[2]?.detail).toContain("free-models-per-day");
    for (const event of refused) expect(event.detail).not.toContain(APP_KEY);
  });

  it("an upstream 5xx, a dropped connection, a timeout or a malformed answer is a 502", async () => {
    emulator.faults.failNext("code", { status: 500, message: "database exploded" });
    const failed = await call(handlerWith(), jsonRequest(await wireBody()));
    expectError(failed, 502, "OpenRouter failed to create an authorization code (HTTP 500).");
    emulator.faults.dropNext("code");
    expectError(await call(handlerWith(), jsonRequest(await wireBody())), 502, "Could not reach OpenRouter.");
    emulator.faults.malformedNext("code");
    expectError(await call(handlerWith(), jsonRequest(await wireBody())), 502, "OpenRouter's answer had an unexpected shape.");
    emulator.faults.delay("code", 1000);
    expectError(await call(handlerWith({ timeoutMs: 100 }), jsonRequest(await wireBody())), 502, "OpenRouter did not answer in time.");
  });

  it("an unreachable OpenRouter is a 502", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const handler = createMintHandler({ apiKey: APP_KEY, baseUrl: `http://127.0.0.1:${port}/api/v1`, authorize: () => true, policy: POLICY });
    expectError(await call(handler, jsonRequest(await wireBody())), 502, "Could not reach OpenRouter.");
  });

  it("a client that goes away cancels the call to OpenRouter (request.signal is passed on)", async () => {
    emulator.faults.delay("code", 5_000);
    const signals: AbortSignal[] = [];
    const upstream = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.signal) signals.push(init.signal);
      return fetch(input, init);
    });
    const refused: RefusedEvent[] = [];
    const handler = handlerWith({ fetch: upstream as typeof fetch, onRefused: (e) => void refused.push(e) });
    const client = new AbortController();
    const body = JSON.stringify(await wireBody());
    const request = new Request(ROUTE, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json" }, body, signal: client.signal });
    const started = Date.now();
    const answering = handler(request);
    await vi.waitFor(() => expect(upstream).toHaveBeenCalledTimes(1));
    client.abort();
    const answer = await answering;
    answersSeen.push(await answer.text());
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(signals[0]?.aborted).toBe(true);
    expect(refused).toMatchObject([{ reason: "aborted" }]);
  });

  it("passes the app's attribution headers to OpenRouter, never the browser's", async () => {
    const upstream = recordingFetch();
    const handler = handlerWith({ fetch: upstream as typeof fetch, appUrl: "https://app.example", appTitle: "Example" });
    const request = jsonRequest(await wireBody(), { headers: { "X-OpenRouter-Title": "Spoofed" } });
    expect((await call(handler, request)).status).toBe(200);
    const headers = upstream.mock.calls[0]?.[1]?.headers as Record<string, string>;
    expect(headers).toMatchObject({ Authorization: `Bearer ${APP_KEY}`, "HTTP-Referer": "https://app.example", "X-OpenRouter-Title": "Example" });
    expect(upstream.mock.calls[0]?.[0]).toBe(`${emulator.apiBaseUrl}/auth/keys/code`);
  });
});

describe("createMintHandler: audit", () => {
  it("onMinted gets the subject, the request, the key's lifetime exposure and the time; never the app's key or the code", async () => {
    const minted: MintedEvent[] = [];
    const handler = handlerWith({ authorize: () => ({ subject: "user_7" }), onMinted: (e) => void minted.push(e) }, { maxLifetimeSeconds: 3 * 86_400 });
    const request = jsonRequest(await wireBody({ limit: 5, usage_limit_type: "daily" }));
    const answer = await call(handler, request);
    expect(answer.status).toBe(200);
    // $5 a day for 3 days: the first day and the resets that can come in 3 days (3) → $20.
    expect(minted).toEqual([{ subject: "user_7", request, exposure: 20, at: expect.any(Date) }]);
    const { request: _request, ...rest } = minted[0] as MintedEvent;
    expect(JSON.stringify(rest)).not.toContain(APP_KEY);
    expect(JSON.stringify(rest)).not.toContain(answer.json.data?.id);
  });

  it("onRefused names the reason of each refusal", async () => {
    const refused: RefusedEvent[] = [];
    const onRefused = (e: RefusedEvent) => void refused.push(e);
    const handler = handlerWith({ authorize: (_r, { body }) => (body as { deny?: boolean }).deny !== true && { subject: "u1" }, onRefused });
    await call(handler, jsonRequest(await wireBody(), { method: "GET" }));
    await call(handler, jsonRequest(await wireBody(), { origin: "https://evil.example" }));
    await call(handler, jsonRequest("x".repeat(20_000)));
    await call(handler, jsonRequest("{"));
    await call(handler, jsonRequest({ deny: true }));
    await call(handler, jsonRequest(await wireBody({ limit: 11 })));
    await call(handler, jsonRequest(await wireBody({ limit: "11" })));
    expect(refused.map((e) => [e.status, e.reason, e.subject])).toEqual([
      [405, "method", undefined],
      [403, "origin", undefined],
      [413, "body_too_large", undefined],
      [400, "invalid_body", undefined],
      [403, "authorize", undefined],
      [400, "policy", "u1"],
      [400, "invalid_body", "u1"],
    ]);
    for (const event of refused) {
      expect(event.at).toBeInstanceOf(Date);
      expect(typeof event.detail).toBe("string");
    }
  });

  it("a throwing or rejecting audit callback changes no answer", async () => {
    for (const callback of [
      () => {
        throw new Error("log sink down");
      },
      () => Promise.reject(new Error("log sink down")),
    ]) {
      const handler = handlerWith({ onMinted: callback, onRefused: callback });
      expect((await call(handler, jsonRequest(await wireBody()))).status).toBe(200);
      expectError(await call(handler, jsonRequest(await wireBody({ limit: 11 }))), 400, /limit/);
    }
  });

  it("the answer does not wait for a slow audit callback", async () => {
    const handler = handlerWith({ onMinted: () => new Promise(() => {}) });
    expect((await call(handler, jsonRequest(await wireBody()))).status).toBe(200);
  });
});

describe("createMintHandler: its own checks", () => {
  it("refuses options that are no object, and a timeoutMs out of range; takes a timeoutMs in range", () => {
    for (const options of [undefined, null, "key"]) expect(constructionError(options).issues?.[0]?.path).toEqual(["options"]);
    const base = { apiKey: APP_KEY, authorize: () => true, policy: POLICY };
    expect(constructionError({ ...base, timeoutMs: 0 }).issues?.[0]?.path).toEqual(["timeoutMs"]);
    expect(() => createMintHandler({ ...base, timeoutMs: 1 })).not.toThrow();
  });

  it("a keyLabel that throws is named in the audit detail with what it threw", async () => {
    const refused: RefusedEvent[] = [];
    const handler = handlerWith(
      { onRefused: (e) => void refused.push(e) },
      {
        keyLabel: () => {
          throw new RangeError("no label for you");
        },
      },
    );
    expectError(await call(handler, jsonRequest(await wireBody())), 500);
    expect(refused[0]?.detail).toBe("policy.keyLabel threw: RangeError: no label for you");
  });

  it("answers 500 when called with something that is no Request; authorize's Response under 400 is no refusal", async () => {
    const refused: RefusedEvent[] = [];
    const handler = handlerWith({ authorize: () => new Response(null, { status: 302, headers: { Location: "/sign-in" } }), onRefused: (e) => void refused.push(e) });
    const odd = await (handler as (request: unknown) => Promise<Response>)("https://app.example/api");
    expect(odd.status).toBe(500);
    expect(refused).toMatchObject([{ status: 500, reason: "config", detail: "the mint handler must be called with a fetch Request" }]);
    expect((await call(handler, jsonRequest(await wireBody()))).status).toBe(302);
    expect(refused).toHaveLength(1);
    const refusing = handlerWith({ authorize: () => new Response(null, { status: 400 }), onRefused: (e) => void refused.push(e) });
    expect((await call(refusing, jsonRequest(await wireBody()))).status).toBe(400);
    expect(refused.at(-1)).toMatchObject({ status: 400, reason: "authorize", detail: "authorize answered with its own Response (HTTP 400)" });
  });

  it("a fetch that throws something that is no error of ours is a 502 with a fixed text", async () => {
    const handler = handlerWith({
      fetch: async () => {
        throw "socket said no";
      },
    });
    expectError(await call(handler, jsonRequest(await wireBody())), 502, "Could not reach OpenRouter.");
  });
});
