import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createOpenRouterAuthClient } from "../../src/core/client.js";
import { OpenRouterAuthError } from "../../src/core/errors.js";
import { createPkcePair } from "../../src/core/pkce.js";
import { maskKey } from "../../src/core/rules.js";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import {
  createExchangeHandler,
  type ExchangedKeyEvent,
  type ExchangeHandler,
  type ExchangeHandlerOptions,
  type RefusedEvent,
} from "../../src/server/index.js";
import { answersSeen, APP, call, CALLBACK, expectError, jsonRequest } from "./support.js";

const ROUTE = `${APP}/api/openrouter/exchange`;
let emulator: RunningOpenRouterEmulator;
let clock = 0;

beforeAll(async () => {
  emulator = await startOpenRouterEmulator({ now: () => Date.now() + clock });
});
afterEach(() => {
  emulator.reset();
  clock = 0;
});
afterAll(async () => {
  await emulator.close();
  // No answer of this suite ever carried a key the emulator issued.
  const keys = emulator.exchanges().flatMap((e) => (e.key ? [e.key] : []));
  for (const text of answersSeen) for (const key of keys) expect(text).not.toContain(key);
});

/** A code minted at the emulator with an S256 (or plain) challenge, and its verifier. */
async function issuedCode(method: "S256" | "plain" = "S256") {
  const pair = await createPkcePair(method);
  const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
  const { data } = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: method });
  return { code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" as const };
}

function exchangeHandler(options: Partial<ExchangeHandlerOptions> = {}) {
  const keys: ExchangedKeyEvent[] = [];
  const refused: RefusedEvent[] = [];
  const handler: ExchangeHandler = createExchangeHandler({
    baseUrl: emulator.apiBaseUrl,
    authorize: (request) => ({ subject: request.headers.get("x-user") ?? "alice" }),
    onKey: (event) => void keys.push(event),
    onRefused: (event) => void refused.push(event),
    policy: { allowedOrigins: [APP] },
    ...options,
  });
  return { handler, keys, refused };
}

const post = (body: unknown, init: Parameters<typeof jsonRequest>[1] = {}) => jsonRequest(body, { url: ROUTE, ...init });

describe("createExchangeHandler: the key stays on the server", () => {
  it("exchanges the code, gives the key to onKey and answers only { userId, keyHint }", async () => {
    const { handler, keys } = exchangeHandler();
    const answer = await call(handler, post(await issuedCode()));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const [exchanged] = emulator.exchanges();
    expect(exchanged).toMatchObject({ outcome: "ok" });
    const key = exchanged?.key as string;
    expect(keys).toEqual([{ subject: "alice", key, userId: "user_emulator" }]);
    expect(answer.json).toEqual({ userId: "user_emulator", keyHint: maskKey(key) });
    expect(answer.json.keyHint).toMatch(/^sk-or-v1-…[A-Za-z0-9]{4}$/);
    expect(answer.text).not.toContain(key);
  });

  it("exchanges a code once: concurrent and repeated posts share one call to OpenRouter and one onKey", async () => {
    const { handler, keys } = exchangeHandler();
    const body = await issuedCode();
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(handler, post(body))));
    const again = await call(handler, post(body));
    expect(new Set([...answers, again].map((a) => `${a.status} ${a.text}`)).size).toBe(1);
    expect(again.status).toBe(200);
    expect(emulator.exchanges()).toHaveLength(1);
    expect(keys).toHaveLength(1);
  });

  it("does not share an outcome with another subject, nor with another verifier", async () => {
    const { handler, keys } = exchangeHandler();
    const body = await issuedCode();
    expect((await call(handler, post(body))).status).toBe(200);
    expectError(await call(handler, post(body, { headers: { "X-User": "mallory" } })), 403, "Invalid code or code_verifier");
    const other = await createPkcePair();
    expectError(await call(handler, post({ ...body, codeVerifier: other.codeVerifier })), 403, "Invalid code or code_verifier");
    expect(emulator.exchanges().map((e) => e.outcome)).toEqual(["ok", "invalid_code", "invalid_code"]);
    expect(keys).toHaveLength(1);
  });
});

describe("createExchangeHandler: OpenRouter's refusals as fixed texts", () => {
  it("a wrong verifier, an expired code and a method mismatch get the texts the browser client maps", async () => {
    const { handler, refused } = exchangeHandler();
    const wrong = await issuedCode();
    expectError(await call(handler, post({ ...wrong, codeVerifier: (await createPkcePair()).codeVerifier })), 403, "Invalid code or code_verifier");

    const expired = await issuedCode();
    clock = 10 * 60_000;
    expectError(await call(handler, post(expired)), 403, "Authorization code expired");
    clock = 0;

    const plain = await issuedCode("plain"); // issued with plain, exchanged as S256
    expectError(await call(handler, post(plain)), 400, "Invalid code_challenge_method");

    expect(refused.map((e) => [e.status, e.reason])).toEqual([[403, "upstream"], [403, "upstream"], [400, "upstream"]]);
    expect(refused[1]?.detail).toContain("Authorization code expired");
    for (const event of refused) {
      expect(event.detail).not.toContain(wrong.code);
      expect(event.detail).not.toContain(expired.code);
    }
  });

  it("5xx, a dropped connection or a timeout is a 502 without OpenRouter's words; a failure that left the code unused can be retried", async () => {
    const { handler, refused, keys } = exchangeHandler({ timeoutMs: 200 });
    const body = await issuedCode();
    emulator.faults.failNext("exchange", { status: 500, message: "shard 7 is on fire" });
    const failed = await call(handler, post(body));
    expectError(failed, 502, "Could not exchange the code at OpenRouter.");
    expect(failed.text).not.toContain("shard");
    expect(refused[0]?.detail).toContain("shard 7 is on fire");
    // The 500 came before the exchange ran: the same post may try again.
    expect((await call(handler, post(body))).status).toBe(200);
    expect(keys).toHaveLength(1);

    emulator.faults.delay("exchange", 1_000);
    expectError(await call(handler, post(await issuedCode())), 502, "Could not exchange the code at OpenRouter.");
    emulator.faults.delay("exchange", 0);
    emulator.faults.dropNext("exchange");
    expectError(await call(handler, post(await issuedCode())), 502);
  });
});

describe("createExchangeHandler: onKey failing", () => {
  it("is a generic 500; the key goes nowhere else, not even the audit log, and the spent code is not exchanged again", async () => {
    const onKey = vi.fn(({ key }: ExchangedKeyEvent) => {
      throw new Error(`duplicate key value violates unique constraint: ${key}`);
    });
    const { handler, refused } = exchangeHandler({ onKey });
    const body = await issuedCode();
    const answer = await call(handler, post(body));
    expect(answer.json).toEqual({ error: { code: 500, message: "Internal server error." } });
    const key = emulator.exchanges()[0]?.key as string;
    expect(refused).toMatchObject([{ status: 500, reason: "on_key", subject: "alice" }]);
    expect(refused[0]?.detail).toContain("unique constraint");
    expect(refused[0]?.detail).not.toContain(key);
    // A repeated post learns the same, without a second exchange or onKey.
    expect((await call(handler, post(body))).json).toEqual({ error: { code: 500, message: "Internal server error." } });
    expect(emulator.exchanges()).toHaveLength(1);
    expect(onKey).toHaveBeenCalledTimes(1);
  });

  it("waits for an async onKey before answering", async () => {
    let stored = false;
    const { handler } = exchangeHandler({
      onKey: async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        stored = true;
      },
    });
    expect((await call(handler, post(await issuedCode()))).status).toBe(200);
    expect(stored).toBe(true);
  });
});

describe("createExchangeHandler: the same gates as minting", () => {
  it("refuses a foreign Origin, leaves a missing one to authorize, and hands authorize the parsed body", async () => {
    const seen: unknown[] = [];
    const { handler } = exchangeHandler({
      authorize: (request, { body }) => {
        seen.push(body);
        return request.headers.get("origin") === null ? request.headers.get("authorization") === "Bearer backend" : { subject: "alice" };
      },
    });
    const body = await issuedCode();
    expectError(await call(handler, post(body, { origin: "https://evil.example" })), 403, "Requests from this origin may not exchange codes here.");
    expectError(await call(handler, post(body, { origin: null })), 403, "Not allowed.");
    expect(seen).toEqual([body]);
    expect((await call(handler, post(body, { origin: null, headers: { Authorization: "Bearer backend" } }))).status).toBe(200);
    expect(emulator.exchanges()).toHaveLength(1);
  });

  it("takes exactly { code, codeVerifier, codeChallengeMethod: \"S256\" }", async () => {
    const { handler } = exchangeHandler();
    const body = await issuedCode();
    expectError(await call(handler, post({ code: body.code, codeChallengeMethod: "S256" })), 400, "Invalid request: codeVerifier: is required: this route exchanges PKCE codes only");
    expectError(await call(handler, post({ ...body, codeChallengeMethod: "plain" })), 400, 'Invalid request: codeChallengeMethod: must be "S256"');
    expectError(await call(handler, post({ code: body.code, codeVerifier: body.codeVerifier })), 400, /codeChallengeMethod/);
    expectError(await call(handler, post({ ...body, extra: 1 })), 400, /extra: unknown key/);
    expectError(await call(handler, post({ code: body.code, code_verifier: body.codeVerifier, code_challenge_method: "S256" })), 400, /unknown key/);
    expectError(await call(handler, post({ ...body, code: "has spaces" })), 400, /code/);
    expectError(await call(handler, post("{")), 400, "Request body must be valid JSON.");
    expectError(await call(handler, post(body, { method: "GET" })), 405);
    expect(emulator.exchanges()).toHaveLength(0);
  });

  it("authorize answering false, a Response, or throwing", async () => {
    const body = await issuedCode();
    expectError(await call(exchangeHandler({ authorize: () => false }).handler, post(body)), 403);
    const own = await call(exchangeHandler({ authorize: () => new Response("sign in", { status: 401 }) }).handler, post(body));
    expect([own.status, own.text]).toEqual([401, "sign in"]);
    const thrown = exchangeHandler({
      authorize: () => {
        throw new Error("session db down");
      },
    });
    expect((await call(thrown.handler, post(body))).json).toEqual({ error: { code: 500, message: "Internal server error." } });
    expect(thrown.refused).toMatchObject([{ reason: "authorize", detail: expect.stringContaining("session db down") }]);
    expect(emulator.exchanges()).toHaveLength(0);
  });

  it("fails closed at construction without authorize, onKey or policy.allowedOrigins", () => {
    const base = { authorize: () => true, onKey: () => {}, policy: { allowedOrigins: [APP] } };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, authorize: undefined }, /createExchangeHandler: authorize is required/],
      [{ ...base, onKey: undefined }, /createExchangeHandler: onKey is required/],
      [{ ...base, policy: undefined }, /createExchangeHandler: policy is required/],
      [{ ...base, policy: {} }, /createExchangeHandler: policy\.allowedOrigins is required/],
      [{ ...base, policy: { allowedOrigins: ["https://app.example/x"] } }, /policy\.allowedOrigins\.0/],
      [{ ...base, policy: { allowedOrigins: [APP], maxLimit: 5 } }, /policy\.maxLimit is not a policy option/],
      [{ ...base, apiKey: "sk-or-v1-x" }, /apiKey is not an option/],
      [{ ...base, bodyTimeoutMs: -1 }, /bodyTimeoutMs/],
      [{ ...base, baseUrl: "nope" }, /baseUrl/],
    ];
    for (const [options, message] of cases) {
      expect(() => createExchangeHandler(options as unknown as ExchangeHandlerOptions), String(message)).toThrow(OpenRouterAuthError);
      expect(() => createExchangeHandler(options as unknown as ExchangeHandlerOptions)).toThrow(message);
    }
  });
});

describe("createExchangeHandler: OpenRouter's other refusals, and what the audit log may hold", () => {
  it("409 and 429 keep their status with a fixed text; a 403 of OpenRouter's own is the text the client maps to invalid_code", async () => {
    const { handler, refused } = exchangeHandler();
    for (const [status, browserStatus, text] of [
      [409, 409, "OpenRouter reported a conflict. Try again later."],
      [429, 429, "OpenRouter is receiving too many requests. Try again later."],
      [403, 403, "Invalid code or code_verifier"],
    ] as const) {
      emulator.faults.failNext("exchange", { status, message: `upstream says ${status}` });
      expectError(await call(handler, post(await issuedCode())), browserStatus, text);
    }
    expect(refused.map((e) => [e.status, e.reason])).toEqual([
      [409, "upstream"],
      [429, "upstream"],
      [403, "upstream"],
    ]);
  });

  it("OpenRouter echoing the code or the verifier: the audit log gets neither, even a code too short for the client to cut", async () => {
    const { handler, refused } = exchangeHandler();
    // The client cuts secrets of 8 characters or more from OpenRouter's text; the route cuts from 4.
    const body = { ...(await issuedCode()), code: "c0d3x" };
    emulator.faults.failNext("exchange", { status: 500, message: `cannot redeem ${body.code} with ${body.codeVerifier}` });
    expectError(await call(handler, post(body)), 502);
    expect(refused[0]?.detail).toContain("cannot redeem");
    expect(refused[0]?.detail).not.toContain(body.code);
    expect(refused[0]?.detail).not.toContain(body.codeVerifier);
  });

  it("a fetch that throws something that is no error of ours is a 502 with a fixed text", async () => {
    const { handler, refused } = exchangeHandler({
      fetch: async () => {
        throw "the socket said no";
      },
    });
    expectError(await call(handler, post(await issuedCode())), 502, "Could not exchange the code at OpenRouter.");
    expect(refused).toMatchObject([{ status: 502, reason: "upstream" }]);
  });
});

describe("createExchangeHandler: remembered outcomes", () => {
  it("an outcome is remembered for ten minutes: after that the same post reaches OpenRouter again", async () => {
    let now = Date.UTC(2030, 0, 1);
    vi.spyOn(Date, "now").mockImplementation(() => now);
    try {
      const { handler } = exchangeHandler();
      const body = await issuedCode();
      expect((await call(handler, post(body))).status).toBe(200);
      now += 10 * 60_000 - 1;
      expect((await call(handler, post(body))).status).toBe(200);
      expect(emulator.exchanges()).toHaveLength(1);
      now += 1;
      // Forgotten: OpenRouter is asked again, and says the code is spent.
      expect((await call(handler, post(body))).status).toBe(403);
      expect(emulator.exchanges()).toHaveLength(2);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("a 502 that left the code unused is forgotten at once, a refusal is remembered", async () => {
    const { handler } = exchangeHandler();
    const body = await issuedCode();
    emulator.faults.failNext("exchange", { status: 400, message: "Invalid code_challenge_method" });
    expectError(await call(handler, post(body)), 400, "Invalid code_challenge_method");
    // Remembered: the same post gets the same answer without asking OpenRouter.
    expectError(await call(handler, post(body)), 400);
    expect(emulator.exchanges()).toHaveLength(0);
  });
});

describe("createExchangeHandler: its own checks", () => {
  it("answers 500 when called with something that is no Request, and a Response of authorize under 400 is no refusal", async () => {
    const { handler, refused } = exchangeHandler({ authorize: () => new Response(null, { status: 302, headers: { Location: "/sign-in" } }) });
    const odd = await (handler as (request: unknown) => Promise<Response>)({ not: "a request" });
    expect(odd.status).toBe(500);
    expect(refused).toMatchObject([{ status: 500, reason: "config", detail: "the exchange handler must be called with a fetch Request" }]);
    const redirected = await call(handler, post(await issuedCode()));
    expect(redirected.status).toBe(302);
    expect(refused).toHaveLength(1);
    const { handler: refusing, refused: refusals } = exchangeHandler({ authorize: () => new Response(null, { status: 400 }) });
    expect((await call(refusing, post(await issuedCode()))).status).toBe(400);
    expect(refusals).toMatchObject([{ status: 400, reason: "authorize", detail: "authorize answered with its own Response (HTTP 400)" }]);
  });

  it("a request without a verifier, or with another method, is refused naming the field", async () => {
    const { handler, refused } = exchangeHandler();
    const { code, codeVerifier } = await issuedCode();
    const missing = await call(handler, post({ code }));
    expectError(missing, 400, "Invalid request: codeVerifier: is required: this route exchanges PKCE codes only");
    expect(missing.json.error?.metadata?.issues).toEqual([{ path: ["codeVerifier"], message: "is required: this route exchanges PKCE codes only" }]);
    const plain = await call(handler, post({ code, codeVerifier, codeChallengeMethod: "plain" }));
    expect(plain.json.error?.metadata?.issues).toEqual([{ path: ["codeChallengeMethod"], message: 'must be "S256"' }]);
    expect(refused.map((e) => e.reason)).toEqual(["policy", "policy"]);
    const unknown = await call(handler, post({ code, codeVerifier, codeChallengeMethod: "S256", extra: 1 }));
    expect(unknown.json.error?.metadata?.issues).toEqual([{ path: ["extra"], message: "unknown key" }]);
    expect(refused.at(-1)).toMatchObject({ reason: "invalid_body" });
  });

  it("refuses at construction options that are not an object, a policy that is not one, a bad timeoutMs, a fetch or onRefused that is no function", () => {
    const base = { authorize: () => true, onKey: () => {}, policy: { allowedOrigins: [APP] } };
    const cases: Array<[unknown, PropertyKey[]]> = [
      [undefined, ["options"]],
      ["options", ["options"]],
      [{ ...base, policy: null }, ["policy"]],
      [{ ...base, policy: [APP] }, ["policy"]],
      [{ ...base, policy: "https://app.example" }, ["policy"]],
      [{ ...base, timeoutMs: 0 }, ["timeoutMs"]],
      // Past setTimeout's range: the route refuses it, though the client would take it.
      [{ ...base, timeoutMs: 2 ** 31 }, ["timeoutMs"]],
      [{ ...base, fetch: "fetch" }, ["fetch"]],
      [{ ...base, onRefused: "log" }, ["onRefused"]],
    ];
    for (const [options, path] of cases) {
      let thrown: unknown;
      try {
        createExchangeHandler(options as ExchangeHandlerOptions);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(options)).toBeInstanceOf(OpenRouterAuthError);
      expect((thrown as OpenRouterAuthError).issues?.[0]?.path).toEqual(path);
    }
    expect(() => createExchangeHandler({ ...base, timeoutMs: 1 } as ExchangeHandlerOptions)).not.toThrow();
  });
});
