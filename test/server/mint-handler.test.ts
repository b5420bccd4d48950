import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createOpenRouterAuthClient } from "../../src/core/client.js";
import { OpenRouterAuthError } from "../../src/core/errors.js";
import { createPkcePair } from "../../src/core/pkce.js";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { createMintHandler, MAX_MINT_BODY_BYTES, toNodeHandler, type MintHandler, type MintHandlerOptions } from "../../src/server/index.js";

// The app's secret: the emulator accepts it as bearer, and no answer may ever contain it.
const APP_KEY = "sk-or-v1-app-secret-0123456789abcdef0123456789";
const WRONG_KEY = "sk-or-v1-not-the-right-key-9876543210fedcba";
const APP = "https://app.example";
const ROUTE = `${APP}/api/openrouter/mint`;
const CALLBACK = `${APP}/connect/callback`;

let emulator: RunningOpenRouterEmulator;
const bodiesSeen: string[] = [];

beforeAll(async () => {
  emulator = await startOpenRouterEmulator({ apiKeys: [APP_KEY] });
});
afterEach(() => {
  emulator.reset();
  vi.useRealTimers();
});
afterAll(async () => {
  await emulator.close();
  // Every answer any test got, success or error: the key never appears.
  expect(bodiesSeen.length).toBeGreaterThan(20);
  for (const text of bodiesSeen) {
    expect(text).not.toContain(APP_KEY);
    expect(text).not.toContain(WRONG_KEY);
  }
});

function handlerWith(options: Partial<MintHandlerOptions> = {}): MintHandler {
  return createMintHandler({ apiKey: APP_KEY, baseUrl: emulator.apiBaseUrl, ...options });
}

async function wireBody(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const pair = await createPkcePair();
  return { callback_url: CALLBACK, code_challenge: pair.codeChallenge, code_challenge_method: "S256", ...extra };
}

function mintRequest(body: unknown, init: { origin?: string | null; contentType?: string; method?: string; url?: string } = {}): Request {
  const headers: Record<string, string> = { "Content-Type": init.contentType ?? "application/json" };
  const origin = init.origin === undefined ? APP : init.origin;
  if (origin !== null) headers.Origin = origin;
  const method = init.method ?? "POST";
  return new Request(init.url ?? ROUTE, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: { data?: { id: string; app_id: number; created_at: string }; error?: { code: number; message: string; metadata?: { issues: { path: unknown[]; message: string }[] } } };
}

async function call(handler: MintHandler, request: Request): Promise<Answer> {
  const response = await handler(request);
  const text = await response.text();
  bodiesSeen.push(text);
  let json: Answer["json"] = {};
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: the assertions say so
  }
  return { status: response.status, headers: response.headers, text, json };
}

function expectError(answer: Answer, status: number, message?: RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
  expect(answer.json.error?.code).toBe(status);
  expect(typeof answer.json.error?.message).toBe("string");
  if (message) expect(answer.json.error?.message).toMatch(message);
}

describe("createMintHandler: success", () => {
  it("mints with the app's key and answers the spec's response, with the policy's defaults filled in", async () => {
    const handler = handlerWith({
      policy: { maxLimit: 10, maxLifetimeSeconds: 3600, defaultKeyLabel: "Example app", allowedUsageLimitTypes: ["daily", "weekly"] },
    });
    const before = Date.now();
    const body = await wireBody();
    const answer = await call(handler, mintRequest(body));

    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.json).toEqual({ data: { id: expect.any(String), app_id: 1, created_at: expect.stringMatching(/Z$/) } });

    // The emulator only mints for a bearer in its apiKeys: it saw the app's key.
    const [issued] = emulator.codesIssued();
    expect(emulator.codesIssued()).toHaveLength(1);
    expect(issued).toMatchObject({
      code: answer.json.data?.id,
      source: "minted",
      callbackUrl: CALLBACK,
      codeChallenge: body.code_challenge,
      codeChallengeMethod: "S256",
      limit: 10,
      keyLabel: "Example app",
      usageLimitType: null, // omitted stays omitted
      workspaceId: null,
    });
    expect(issued?.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const expires = Date.parse(issued?.expiresAt ?? "");
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it("passes what the request asks for when it is within the policy", async () => {
    const handler = handlerWith({ policy: { maxLimit: 10, maxLifetimeSeconds: 86_400, allowedUsageLimitTypes: ["daily"], defaultKeyLabel: "Default" } });
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const answer = await call(handler, mintRequest(await wireBody({ limit: 2.5, usage_limit_type: "daily", expires_at: expiresAt, key_label: "Mine" })));
    expect(answer.status).toBe(200);
    expect(emulator.codesIssued()[0]).toMatchObject({ limit: 2.5, usageLimitType: "daily", expiresAt, keyLabel: "Mine" });
  });

  it("without a policy, forwards the request as it is", async () => {
    const answer = await call(handlerWith(), mintRequest(await wireBody({ expires_at: null })));
    expect(answer.status).toBe(200);
    expect(emulator.codesIssued()[0]).toMatchObject({ limit: null, keyLabel: null, expiresAt: null, usageLimitType: null });
  });

  it("tolerates the context argument Next.js passes", async () => {
    const handler = handlerWith();
    const response = await handler(mintRequest(await wireBody()), { params: Promise.resolve({}) });
    bodiesSeen.push(await response.clone().text());
    expect(response.status).toBe(200);
  });
});

describe("createMintHandler: policy", () => {
  it("refuses a limit above maxLimit with 400 instead of capping it", async () => {
    const answer = await call(handlerWith({ policy: { maxLimit: 10 } }), mintRequest(await wireBody({ limit: 10.01 })));
    expectError(answer, 400, /limit: must be at most 10/);
    expect(answer.json.error?.metadata?.issues).toEqual([{ path: ["limit"], message: expect.any(String) }]);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("refuses a usage_limit_type the policy does not allow", async () => {
    const answer = await call(handlerWith({ policy: { allowedUsageLimitTypes: ["daily", "weekly"] } }), mintRequest(await wireBody({ usage_limit_type: "monthly" })));
    expectError(answer, 400, /usage_limit_type: must be one of daily, weekly/);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("refuses every usage_limit_type under an empty allow list", async () => {
    const answer = await call(handlerWith({ policy: { allowedUsageLimitTypes: [] } }), mintRequest(await wireBody({ usage_limit_type: "daily" })));
    expectError(answer, 400, /usage_limit_type/);
  });

  it("refuses an expiry beyond maxLifetimeSeconds, and a key that never expires", async () => {
    const handler = handlerWith({ policy: { maxLifetimeSeconds: 3600 } });
    const tooLate = new Date(Date.now() + 3_700_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    expectError(await call(handler, mintRequest(await wireBody({ expires_at: tooLate }))), 400, /expires_at: must be at most 3600 seconds from now/);
    expectError(await call(handler, mintRequest(await wireBody({ expires_at: null }))), 400, /expires_at: must be set/);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("refuses a callback_url on an origin the policy does not allow", async () => {
    const handler = handlerWith({ policy: { allowedCallbackOrigins: ["https://app.example/", "http://localhost:3000"] } });
    expectError(await call(handler, mintRequest(await wireBody({ callback_url: "https://evil.example/cb" }))), 400, /callback_url/);
    expectError(await call(handler, mintRequest(await wireBody({ callback_url: "https://app.example:8443/cb" }))), 400, /callback_url/);
    expect((await call(handler, mintRequest(await wireBody({ callback_url: "http://localhost:3000/cb" })))).status).toBe(200);
    expect((await call(handler, mintRequest(await wireBody()))).status).toBe(200);
  });

  it("limits workspace_id to policy.allowedWorkspaceIds, case-insensitively; an absent one takes the only allowed workspace", async () => {
    const allowed = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    const other = "9b2d4c1a-0e7f-4a5b-8c6d-1e2f3a4b5c6d";
    const upstream = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    const handler = handlerWith({ fetch: upstream as typeof fetch, policy: { allowedWorkspaceIds: [allowed.toUpperCase()] } });

    const unknown = await call(handler, mintRequest(await wireBody({ workspace_id: other })));
    expectError(unknown, 400, /workspace_id: must be a workspace this app allows/);
    expect(unknown.json.error?.metadata?.issues).toEqual([{ path: ["workspace_id"], message: expect.any(String) }]);
    expect(unknown.text).not.toContain(allowed.toUpperCase()); // the browser does not learn the allowed ones
    expect(upstream).not.toHaveBeenCalled();
    expect(emulator.codesIssued()).toHaveLength(0);

    expect((await call(handler, mintRequest(await wireBody({ workspace_id: allowed })))).status).toBe(200);
    expect(emulator.codesIssued()[0]).toMatchObject({ workspaceId: allowed });

    const mixed = "3F2504E0-4f89-41D3-9a0c-0305E82C3301";
    expect((await call(handler, mintRequest(await wireBody({ workspace_id: mixed })))).status).toBe(200);
    expect(emulator.codesIssued()[1]).toMatchObject({ workspaceId: mixed }); // forwarded as asked

    expect((await call(handler, mintRequest(await wireBody()))).status).toBe(200);
    // Like every bounded field: left out, it takes the bound (not OpenRouter's default workspace).
    expect(emulator.codesIssued()[2]).toMatchObject({ workspaceId: allowed.toUpperCase() });
    expect(upstream).toHaveBeenCalledTimes(3);
  });

  it("asks for workspace_id when several are allowed and the request names none", async () => {
    const upstream = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    const [a, b] = ["3f2504e0-4f89-41d3-9a0c-0305e82c3301", "9b2d4c1a-0e7f-4a5b-8c6d-1e2f3a4b5c6d"];
    const handler = handlerWith({ fetch: upstream as typeof fetch, policy: { allowedWorkspaceIds: [a, b] } });
    const missing = await call(handler, mintRequest(await wireBody()));
    expectError(missing, 400, /workspace_id: is required by this app/);
    expect(missing.text).not.toContain(a);
    expect(upstream).not.toHaveBeenCalled();
    expect((await call(handler, mintRequest(await wireBody({ workspace_id: b })))).status).toBe(200);
    expect(emulator.codesIssued()).toMatchObject([{ workspaceId: b }]);
  });

  it("refuses every workspace_id under an empty allow list (default workspace only), and takes any one without the option", async () => {
    const id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    const defaultOnly = handlerWith({ policy: { allowedWorkspaceIds: [] } });
    expectError(await call(defaultOnly, mintRequest(await wireBody({ workspace_id: id }))), 400, /workspace_id/);
    expect((await call(defaultOnly, mintRequest(await wireBody()))).status).toBe(200);
    expect(emulator.codesIssued()).toMatchObject([{ workspaceId: null }]);
    expect((await call(handlerWith(), mintRequest(await wireBody({ workspace_id: id })))).status).toBe(200);
    expect(emulator.codesIssued()).toMatchObject([{ workspaceId: null }, { workspaceId: id }]);
  });

  it("requireCodeChallenge refuses a missing or plain challenge before OpenRouter is asked, and takes S256", async () => {
    const upstream = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    const handler = handlerWith({ fetch: upstream as typeof fetch, policy: { requireCodeChallenge: true } });
    const pair = await createPkcePair();

    const missing = await call(handler, mintRequest({ callback_url: CALLBACK }));
    expectError(missing, 400, /code_challenge: is required/);
    expect(missing.json.error?.metadata?.issues).toEqual([{ path: ["code_challenge"], message: expect.any(String) }]);

    const plain = await call(handler, mintRequest({ callback_url: CALLBACK, code_challenge: pair.codeVerifier, code_challenge_method: "plain" }));
    expectError(plain, 400, /code_challenge_method: must be "S256"/);
    expect(plain.json.error?.metadata?.issues).toEqual([{ path: ["code_challenge_method"], message: expect.any(String) }]);

    // OpenRouter (RFC 7636) reads a challenge without a method as plain.
    const noMethod = await call(handler, mintRequest({ callback_url: CALLBACK, code_challenge: pair.codeChallenge }));
    expectError(noMethod, 400, /code_challenge_method: must be "S256"/);

    expect(upstream).not.toHaveBeenCalled();
    expect(emulator.codesIssued()).toHaveLength(0);

    const s256 = await call(handler, mintRequest({ callback_url: CALLBACK, code_challenge: pair.codeChallenge, code_challenge_method: "S256" }));
    expect(s256.status).toBe(200);
    expect(emulator.codesIssued()).toMatchObject([{ code: s256.json.data?.id, codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" }]);
  });

  it("without requireCodeChallenge, a code without a challenge is still minted (today's contract)", async () => {
    expect((await call(handlerWith(), mintRequest({ callback_url: CALLBACK })))).toMatchObject({ status: 200 });
    expect(emulator.codesIssued()).toMatchObject([{ codeChallenge: null }]);
  });

  it("lists every violation at once", async () => {
    const handler = handlerWith({ policy: { maxLimit: 1, allowedUsageLimitTypes: ["daily"], allowedCallbackOrigins: [APP] } });
    const answer = await call(handler, mintRequest(await wireBody({ limit: 5, usage_limit_type: "weekly", callback_url: "https://other.example/cb" })));
    expectError(answer, 400);
    expect(answer.json.error?.metadata?.issues.map((i) => i.path[0])).toEqual(["limit", "usage_limit_type", "callback_url"]);
  });
});

describe("createMintHandler: who may mint", () => {
  it("refuses a foreign Origin with 403 before authorize runs", async () => {
    const authorize = vi.fn(() => true);
    const answer = await call(handlerWith({ authorize }), mintRequest(await wireBody(), { origin: "https://evil.example" }));
    expectError(answer, 403, /origin/i);
    expect(authorize).not.toHaveBeenCalled();
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it('refuses Origin "null" (sandboxed frames, privacy redirects)', async () => {
    expectError(await call(handlerWith(), mintRequest(await wireBody(), { origin: "null" })), 403);
  });

  it("behind a proxy, accepts the origins of policy.allowedOrigins instead of its own", async () => {
    const handler = handlerWith({ policy: { allowedOrigins: [APP] } });
    const internal = "http://10.0.0.7:3000/api/openrouter/mint"; // what the handler sees behind the proxy
    expect((await call(handler, mintRequest(await wireBody(), { url: internal }))).status).toBe(200);
    expectError(await call(handler, mintRequest(await wireBody(), { url: internal, origin: "http://10.0.0.7:3000" })), 403);
  });

  it("leaves a request without Origin to authorize, and refuses it when there is none", async () => {
    const body = await wireBody();
    expectError(await call(handlerWith(), mintRequest(body, { origin: null })), 403, /authorize/);
    const allow = vi.fn(async (request: Request) => request.headers.get("authorization") === "Bearer internal-token");
    expectError(await call(handlerWith({ authorize: allow }), mintRequest(body, { origin: null })), 403);
    const withToken = mintRequest(body, { origin: null });
    withToken.headers.set("Authorization", "Bearer internal-token");
    expect((await call(handlerWith({ authorize: allow }), withToken)).status).toBe(200);
  });

  it("authorize: false is 403, a Response is passed through, anything else refuses", async () => {
    const body = await wireBody();
    expectError(await call(handlerWith({ authorize: () => false }), mintRequest(body)), 403);
    expectError(await call(handlerWith({ authorize: (() => undefined) as unknown as () => boolean }), mintRequest(body)), 403);

    const unauthorized = new Response(JSON.stringify({ error: { code: 401, message: "Sign in first." } }), {
      status: 401,
      headers: { "Content-Type": "application/json", "WWW-Authenticate": "Bearer" },
    });
    const answer = await call(handlerWith({ authorize: async () => unauthorized }), mintRequest(body));
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe("Bearer");
    expect(answer.json).toEqual({ error: { code: 401, message: "Sign in first." } });
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("authorize throwing is a 500 without details", async () => {
    const handler = handlerWith({
      authorize: () => {
        throw new Error(`session store down at db.internal:5432 (${APP_KEY})`);
      },
    });
    const answer = await call(handler, mintRequest(await wireBody()));
    expectError(answer, 500);
    expect(answer.text).not.toMatch(/db\.internal|session/);
    expect(answer.json).toEqual({ error: { code: 500, message: "Internal server error." } });
  });

  it("authorize runs before the body is read: an unauthorized caller learns nothing about the body", async () => {
    const answer = await call(handlerWith({ authorize: () => false }), mintRequest("not json"));
    expectError(answer, 403);
  });

  it("authorize gets the request and may read a clone of it", async () => {
    const seen: unknown[] = [];
    const handler = handlerWith({
      authorize: async (request) => {
        seen.push(await request.clone().json());
        return true;
      },
    });
    const body = await wireBody();
    expect((await call(handler, mintRequest(body))).status).toBe(200);
    expect(seen).toEqual([body]);
  });


  it("an authorize that consumed the body is told to read a clone", async () => {
    const handler = handlerWith({
      authorize: async (request) => {
        await request.text();
        return true;
      },
    });
    expectError(await call(handler, mintRequest(await wireBody())), 500, /request\.clone\(\)/);
  });
});

describe("createMintHandler: the request", () => {
  it("answers 405 with Allow: POST to anything but POST", async () => {
    for (const method of ["GET", "PUT", "OPTIONS", "DELETE"]) {
      const answer = await call(handlerWith(), mintRequest(undefined, { method }));
      expectError(answer, 405);
      expect(answer.headers.get("allow")).toBe("POST");
    }
  });

  it("refuses a body that is not JSON, or not sent as JSON, with 400", async () => {
    const handler = handlerWith();
    const body = JSON.stringify(await wireBody());
    expectError(await call(handler, mintRequest("{not json", {})), 400, /JSON/);
    expectError(await call(handler, mintRequest("", {})), 400, /JSON/);
    expectError(await call(handler, mintRequest(body, { contentType: "text/plain" })), 400, /Content-Type/);
    expectError(await call(handler, mintRequest(body, { contentType: "application/x-www-form-urlencoded" })), 400);
    expectError(await call(handler, mintRequest(body, { contentType: "application/json; charset=latin1" })), 400);
    expect((await call(handler, mintRequest(body, { contentType: "application/json; charset=UTF-8" }))).status).toBe(200);
    expectError(await call(handler, mintRequest([1, 2])), 400, /JSON object/);
  });

  it("refuses an invalid body with 400 naming the field (the client's own schema)", async () => {
    const handler = handlerWith();
    const badLimit = await call(handler, mintRequest(await wireBody({ limit: -1 })));
    expectError(badLimit, 400, /limit/);
    expect(badLimit.json.error?.metadata?.issues[0]?.path).toEqual(["limit"]);

    const unknown = await call(handler, mintRequest(await wireBody({ callbackUrl: CALLBACK })));
    expectError(unknown, 400, /callbackUrl: unknown key/);

    const minutes = await call(handler, mintRequest(await wireBody({ expires_at: "2030-01-01T00:00Z" })));
    expectError(minutes, 400, /expires_at/);

    const noCallback = await call(handler, mintRequest({ limit: 1 }));
    expectError(noCallback, 400, /callback_url/);

    const proto = await call(handler, mintRequest(`{"callback_url":"${CALLBACK}","__proto__":{"limit":1}}`));
    expectError(proto, 400, /__proto__/);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("refuses a body over the size cap with 413, declared or not", async () => {
    const handler = handlerWith();
    const big = JSON.stringify({ ...(await wireBody()), key_label: "x".repeat(MAX_MINT_BODY_BYTES) });
    expectError(await call(handler, mintRequest(big)), 413);

    // No Content-Length: a stream that would go on forever is cut at the cap.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024;
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    const streamed = new Request(ROUTE, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json" }, body: endless, duplex: "half" } as RequestInit);
    expectError(await call(handler, streamed), 413);
    expect(pulled).toBeLessThanOrEqual(MAX_MINT_BODY_BYTES + 4096);
  });
});

describe("createMintHandler: OpenRouter's answers", () => {
  it("OpenRouter refusing the app's key is a 502 that says the server is misconfigured", async () => {
    const answer = await call(createMintHandler({ apiKey: WRONG_KEY, baseUrl: emulator.apiBaseUrl }), mintRequest(await wireBody()));
    expectError(answer, 502, /refused this server's API key \(HTTP 401\).*misconfigured/);

    emulator.faults.failNext("code", { status: 403, message: `Key ${APP_KEY} is disabled` });
    const forbidden = await call(handlerWith(), mintRequest(await wireBody()));
    expectError(forbidden, 502, /HTTP 403.*misconfigured/);
  });

  it("passes 400, 409 and 429 through with OpenRouter's message", async () => {
    emulator.faults.failNext("code", { status: 409 });
    const conflict = await call(handlerWith(), mintRequest(await wireBody()));
    expectError(conflict, 409, /^Resource conflict/);

    emulator.faults.failNext("code", { status: 400, message: `workspace not found for ${APP_KEY}` });
    const bad = await call(handlerWith(), mintRequest(await wireBody()));
    expectError(bad, 400, /^workspace not found for \[redacted\]$/);

    emulator.faults.failNext("code", { status: 429 });
    expectError(await call(handlerWith(), mintRequest(await wireBody())), 429);
  });

  it("an upstream 5xx, a dropped connection, a timeout or a malformed answer is a 502", async () => {
    emulator.faults.failNext("code", { status: 500 });
    expectError(await call(handlerWith(), mintRequest(await wireBody())), 502, /HTTP 500/);

    emulator.faults.dropNext("code");
    expectError(await call(handlerWith(), mintRequest(await wireBody())), 502, /reach OpenRouter/);

    emulator.faults.malformedNext("code");
    expectError(await call(handlerWith(), mintRequest(await wireBody())), 502, /unexpected shape/);

    emulator.faults.delay("code", 1000);
    expectError(await call(handlerWith({ timeoutMs: 100 }), mintRequest(await wireBody())), 502, /in time/);
    emulator.faults.delay("code", 0);
  });

  it("an unreachable OpenRouter is a 502", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const answer = await call(createMintHandler({ apiKey: APP_KEY, baseUrl: `http://127.0.0.1:${port}/api/v1` }), mintRequest(await wireBody()));
    expectError(answer, 502);
  });

  it("passes the app's attribution headers to OpenRouter, never the browser's", async () => {
    const upstream = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    const handler = handlerWith({ fetch: upstream as typeof fetch, appUrl: "https://app.example", appTitle: "Example" });
    const request = mintRequest(await wireBody());
    request.headers.set("X-OpenRouter-Title", "Spoofed");
    expect((await call(handler, request)).status).toBe(200);
    const headers = upstream.mock.calls[0]?.[1]?.headers as Record<string, string>;
    expect(headers).toMatchObject({ Authorization: `Bearer ${APP_KEY}`, "HTTP-Referer": "https://app.example", "X-OpenRouter-Title": "Example" });
    expect(upstream.mock.calls[0]?.[0]).toBe(`${emulator.apiBaseUrl}/auth/keys/code`);
  });
});

describe("createMintHandler: its own options", () => {
  const creating = (options: unknown) => () => createMintHandler(options as MintHandlerOptions);

  it("throws invalid_request for a missing or malformed apiKey, without echoing it", () => {
    for (const apiKey of [undefined, "", "  ", "sk-or-v1 with spaces", 42]) {
      let thrown: unknown;
      try {
        createMintHandler({ apiKey } as MintHandlerOptions);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(OpenRouterAuthError);
      expect((thrown as OpenRouterAuthError).code).toBe("invalid_request");
      expect((thrown as OpenRouterAuthError).issues?.[0]?.path).toEqual(["apiKey"]);
      expect((thrown as Error).message).not.toContain("with spaces");
    }
  });

  it("throws invalid_request for a policy that makes no sense", () => {
    const policies: [unknown, string][] = [
      [{ maxLimit: -1 }, "maxLimit"],
      [{ maxLimit: Number.NaN }, "maxLimit"],
      [{ maxLimit: "10" }, "maxLimit"],
      [{ maxLifetimeSeconds: 0 }, "maxLifetimeSeconds"],
      [{ maxLifetimeSeconds: 1.5 }, "maxLifetimeSeconds"],
      [{ allowedUsageLimitTypes: ["yearly"] }, "allowedUsageLimitTypes"],
      [{ allowedUsageLimitTypes: "daily" }, "allowedUsageLimitTypes"],
      [{ allowedCallbackOrigins: ["https://app.example/callback"] }, "allowedCallbackOrigins"],
      [{ allowedCallbackOrigins: ["app.example"] }, "allowedCallbackOrigins"],
      [{ allowedOrigins: ["ftp://app.example"] }, "allowedOrigins"],
      [{ defaultKeyLabel: "" }, "defaultKeyLabel"],
      [{ defaultKeyLabel: "x".repeat(101) }, "defaultKeyLabel"],
      [{ allowedWorkspaceIds: ["not-a-uuid"] }, "allowedWorkspaceIds"],
      [{ allowedWorkspaceIds: ["3f2504e0-4f89-41d3-9a0c-0305e82c3301", "3f2504e0-4f89-41d3-9a0c-0305e82c330"] }, "allowedWorkspaceIds.1"],
      [{ allowedWorkspaceIds: "3f2504e0-4f89-41d3-9a0c-0305e82c3301" }, "allowedWorkspaceIds"],
      [{ allowedWorkspaceIds: [42] }, "allowedWorkspaceIds"],
      [{ requireCodeChallenge: "yes" }, "requireCodeChallenge"],
      [{ maxLimits: 10 }, "maxLimits"],
      [null, "policy"],
    ];
    for (const [policy, field] of policies) {
      const create = creating({ apiKey: APP_KEY, policy });
      expect(create, JSON.stringify(policy)).toThrow(OpenRouterAuthError);
      expect(create).toThrow(field);
    }
  });

  it("throws for a baseUrl, authorize or fetch of the wrong kind", () => {
    expect(creating({ apiKey: APP_KEY, baseUrl: "not a url" })).toThrow(/baseUrl/);
    expect(creating({ apiKey: APP_KEY, authorize: true })).toThrow(/authorize/);
    expect(creating({ apiKey: APP_KEY, fetch: "fetch" })).toThrow(/fetch/);
    expect(creating({ apiKey: APP_KEY, timeoutMs: -5 })).toThrow(/timeoutMs/);
    expect(creating(undefined)).toThrow(OpenRouterAuthError);
  });
});

describe("toNodeHandler: over real HTTP", () => {
  let app: Server;
  let appUrl: string;
  let handler: MintHandler;

  beforeAll(async () => {
    handler = handlerWith({ policy: { maxLimit: 5, defaultKeyLabel: "Node app", maxLifetimeSeconds: 600 } });
    const node = toNodeHandler(handler);
    app = createServer((req, res) => {
      if (req.url?.startsWith("/api/openrouter/mint")) return void node(req, res);
      if (req.url === "/parsed") {
        // What Express does after express.json(): the body is read, req.body holds it.
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          (req as IncomingMessage & { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          void node(req, res);
        });
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    app.closeAllConnections();
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });

  async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${appUrl}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: appUrl, ...headers },
      body,
    });
    const text = await response.text();
    bodiesSeen.push(text);
    return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : {} };
  }

  it("mints through Node's http with the handler's own origin", async () => {
    const answer = await post("/api/openrouter/mint", JSON.stringify(await wireBody()));
    expect(answer.status).toBe(200);
    expect(answer.json.data?.id).toBe(emulator.codesIssued()[0]?.code);
    expect(emulator.codesIssued()[0]).toMatchObject({ limit: 5, keyLabel: "Node app" });
  });

  it("refuses a foreign origin, a GET and an oversized body", async () => {
    expectError(await post("/api/openrouter/mint", JSON.stringify(await wireBody()), { Origin: "https://evil.example" }), 403);

    const get = await fetch(`${appUrl}/api/openrouter/mint`);
    bodiesSeen.push(await get.text());
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");

    expectError(await post("/api/openrouter/mint", "x".repeat(MAX_MINT_BODY_BYTES + 1)), 413);
    expectError(await post("/api/openrouter/mint", JSON.stringify(await wireBody({ limit: 6 }))), 400, /limit/);
  });

  it("cuts a chunked body without Content-Length at the cap and keeps answering", async () => {
    const { port } = new URL(appUrl);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/api/openrouter/mint", method: "POST", headers: { "Content-Type": "application/json", Origin: appUrl } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      for (let i = 0; i < 40; i++) req.write("x".repeat(1024));
      req.end();
    });
    bodiesSeen.push(answer.text);
    expect(answer.status).toBe(413);
    expect((await post("/api/openrouter/mint", JSON.stringify(await wireBody()))).status).toBe(200);
  });

  it("takes a body a framework already parsed (express.json())", async () => {
    const answer = await post("/parsed", JSON.stringify(await wireBody({ limit: 1 })));
    expect(answer.status).toBe(200);
    expect(emulator.codesIssued()[0]).toMatchObject({ limit: 1 });
  });

  it("the whole chain: the core client mints at mintUrl, exchanges at OpenRouter and gets a key", async () => {
    const client = createOpenRouterAuthClient({
      baseUrl: emulator.apiBaseUrl,
      mintUrl: `${appUrl}/api/openrouter/mint`,
      headers: { Origin: appUrl }, // what a browser on the app's page sends by itself
    });
    const pair = await createPkcePair();
    const { data } = await client.createAuthCode({ callbackUrl: `${appUrl.replace("127.0.0.1", "localhost")}/cb`, codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    const { key, userId } = await client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });
    expect(key).toMatch(/^sk-or-v1-/);
    expect(key).not.toBe(APP_KEY);
    expect(userId).toBe("user_emulator");
    const info = await client.getKeyInfo(key);
    expect(info).toMatchObject({ label: "Node app", limit: 5 });

    // The browser-side client reports the handler's refusals as OpenRouterAuthErrors.
    await expect(client.createAuthCode({ callbackUrl: "https://app.example/cb", limit: 50 })).rejects.toMatchObject({ code: "invalid_request", status: 400 });
  });
});
