// The emulator's API over real HTTP on loopback, driven by the project's own client where it
// can be (the client refuses invalid input before sending, so those cases go out raw).
import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { createPkcePair } from "../../src/core/pkce.js";
import { createOpenRouterEmulatorApp, MAX_BODY_BYTES } from "../../src/emulator/index.js";
import { clientFor, expectWireConforms, postJson, raw, startEmulator } from "./helpers.js";
import { check, responseSchema } from "./openapi.js";
import { rejection } from "../support/rejection.js";

const CALLBACK = "https://app.example/openrouter/callback";
const RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const WORKSPACE = "0f8fad5b-d9cb-469f-a165-70867728950e";
const KEY_PATTERN = /^sk-or-v1-[0-9a-f]{64}$/;

describe("minted flow: create a code, exchange it", () => {
  it("works with S256 and the key remembers its spend controls", async () => {
    const emulator = await startEmulator();
    const { client, wire } = clientFor(emulator);
    const pair = await createPkcePair("S256");
    const created = await client.createAuthCode({
      callbackUrl: CALLBACK,
      codeChallenge: pair.codeChallenge,
      codeChallengeMethod: "S256",
      limit: 5,
      expiresAt: "2030-01-01T00:00:00Z",
      keyLabel: "Teammate laptop",
      usageLimitType: "monthly",
      workspaceId: WORKSPACE,
    });
    expect(created.data.id).toMatch(/^auth_code_[A-Za-z0-9_-]{20,}$/);
    expect(created.data.appId).toBe(1);
    expect(Math.abs(Date.parse(created.data.createdAt) - Date.now())).toBeLessThan(5000);

    const exchanged = await client.exchangeAuthCode({ code: created.data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });
    expect(exchanged.key).toMatch(KEY_PATTERN);
    expect(exchanged.userId).toBe("user_emulator");

    const info = await client.getKeyInfo(exchanged.key);
    expect(info).toMatchObject({
      label: "Teammate laptop",
      limit: 5,
      limitRemaining: 5,
      limitReset: "monthly",
      usage: 0,
      expiresAt: "2030-01-01T00:00:00Z",
      isFreeTier: false,
    });
    const described = await raw(`${emulator.apiBaseUrl}/key`, { headers: { Authorization: `Bearer ${exchanged.key}` } });
    expect(described.body).toMatchObject({ data: { workspace_id: WORKSPACE, organization_id: null, limit_reset: "monthly" } });
    expectWireConforms(wire);
    expect(emulator.codesIssued()).toMatchObject([{ code: created.data.id, source: "minted", codeChallengeMethod: "S256", limit: 5 }]);
    expect(emulator.exchanges()).toMatchObject([{ code: created.data.id, status: 200, outcome: "ok", key: exchanged.key }]);
  });

  it("works with plain, and with the RFC 7636 test vector", async () => {
    const emulator = await startEmulator();
    const { client, wire } = clientFor(emulator);
    const pair = await createPkcePair("plain");
    const plain = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: "plain" });
    await expect(client.exchangeAuthCode({ code: plain.data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "plain" })).resolves.toMatchObject({
      key: expect.stringMatching(KEY_PATTERN),
    });
    const vector = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: RFC_CHALLENGE, codeChallengeMethod: "S256" });
    await expect(client.exchangeAuthCode({ code: vector.data.id, codeVerifier: RFC_VERIFIER, codeChallengeMethod: "S256" })).resolves.toBeTruthy();
    expectWireConforms(wire);
  });

  it("issues a new random key every time, labelled with the app's host by default", async () => {
    const emulator = await startEmulator();
    const { client } = clientFor(emulator);
    const keys = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { data } = await client.createAuthCode({ callbackUrl: CALLBACK });
      keys.add((await client.exchangeAuthCode({ code: data.id })).key);
    }
    expect(keys.size).toBe(5);
    const [first] = keys;
    await expect(client.getKeyInfo(first as string)).resolves.toMatchObject({ label: "app.example", limit: null, limitRemaining: null, limitReset: null });
  });

  it("issues codes without PKCE when no challenge is sent; then no method may be sent", async () => {
    const emulator = await startEmulator();
    const { client } = clientFor(emulator);
    const open = await client.createAuthCode({ callbackUrl: CALLBACK });
    await expect(client.exchangeAuthCode({ code: open.data.id })).resolves.toMatchObject({ key: expect.stringMatching(KEY_PATTERN) });

    // What a shell cutting the consent URL at `&` produces: a code without a challenge, exchanged with one.
    const cut = await client.createAuthCode({ callbackUrl: CALLBACK });
    const error = await rejection(client.exchangeAuthCode({ code: cut.data.id, codeVerifier: RFC_VERIFIER, codeChallengeMethod: "S256" }));
    expect(error).toMatchObject({ code: "invalid_code_challenge_method", status: 400 });
  });

  it("treats an omitted method as the one the code was issued with", async () => {
    const emulator = await startEmulator();
    const { client } = clientFor(emulator);
    for (const method of ["S256", "plain"] as const) {
      const pair = await createPkcePair(method);
      const { data } = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: method });
      await expect(client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier })).resolves.toBeTruthy();
    }
    const nullMethod = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: RFC_CHALLENGE, codeChallengeMethod: "S256" });
    expect(await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: nullMethod.data.id, code_verifier: RFC_VERIFIER, code_challenge_method: null })).toMatchObject({
      status: 200,
    });
  });

  it("reads a challenge without a method as plain (RFC 7636, section 4.3)", async () => {
    const emulator = await startEmulator();
    const { client } = clientFor(emulator);
    const pair = await createPkcePair("plain");
    const { data } = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge });
    const error = await rejection(client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" }));
    expect(error).toMatchObject({ code: "invalid_code_challenge_method" });
    await expect(client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "plain" })).resolves.toBeTruthy();
  });
});

describe("exchange errors", () => {
  it("answers 403 Invalid code or code_verifier for unknown codes and wrong or missing verifiers, and keeps the code", async () => {
    const emulator = await startEmulator();
    const { client, wire } = clientFor(emulator);
    const pair = await createPkcePair();
    const { data } = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    const other = await createPkcePair();
    const invalid = { status: 403, body: { error: { code: 403, message: "Invalid code or code_verifier" } } };

    expect(await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: "auth_code_nope", code_verifier: pair.codeVerifier })).toMatchObject(invalid);
    expect(await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: data.id, code_verifier: other.codeVerifier })).toMatchObject(invalid);
    expect(await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: data.id })).toMatchObject(invalid);
    expect(await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: data.id, code_verifier: "short" })).toMatchObject(invalid);
    for (const request of [{ code: "auth_code_nope" }, { code: data.id, codeVerifier: other.codeVerifier }]) {
      expect(await rejection(client.exchangeAuthCode(request))).toMatchObject({ code: "invalid_code", status: 403, retryable: false });
    }
    expect(emulator.exchanges().map((e) => e.detail)).toEqual([
      "unknown or already used code",
      "code_verifier does not match code_challenge",
      "code_verifier missing",
      "code_verifier does not match code_challenge",
      "unknown or already used code",
      "code_verifier does not match code_challenge",
    ]);
    // A failed attempt does not use the code up.
    await expect(client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier })).resolves.toBeTruthy();
    expectWireConforms(wire);
  });

  it("answers 400 Invalid code_challenge_method when the method differs, either way round", async () => {
    const emulator = await startEmulator();
    const { client, wire } = clientFor(emulator);
    for (const [issued, sent] of [
      ["S256", "plain"],
      ["plain", "S256"],
    ] as const) {
      const pair = await createPkcePair(issued);
      const { data } = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: issued });
      const answer = await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: data.id, code_verifier: pair.codeVerifier, code_challenge_method: sent });
      expect(answer).toMatchObject({ status: 400, body: { error: { code: 400, message: "Invalid code_challenge_method" } } });
      const error = await rejection(client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: sent }));
      expect(error).toMatchObject({ code: "invalid_code_challenge_method", status: 400 });
    }
    expect(emulator.exchanges().every((e) => e.outcome === "invalid_code_challenge_method")).toBe(true);
    expectWireConforms(wire);
  });

  it("never exchanges a code twice, also when the exchanges race", async () => {
    const emulator = await startEmulator();
    const { client, wire } = clientFor(emulator);
    const pair = await createPkcePair();
    const first = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    await client.exchangeAuthCode({ code: first.data.id, codeVerifier: pair.codeVerifier });
    expect(await rejection(client.exchangeAuthCode({ code: first.data.id, codeVerifier: pair.codeVerifier }))).toMatchObject({ code: "invalid_code", status: 403 });

    const raced = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => client.exchangeAuthCode({ code: raced.data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(9).fill("invalid_code"));
    expect(emulator.exchanges().filter((e) => e.code === raced.data.id && e.outcome === "ok")).toHaveLength(1);
    expectWireConforms(wire);
  });

  it("lets exactly one of many truly simultaneous exchanges through", async () => {
    // Over HTTP, connection setup spaces requests out by milliseconds; calling the app directly
    // interleaves them at every await, which is where a check-then-mark race would show.
    const app = createOpenRouterEmulatorApp();
    const pair = await createPkcePair();
    const minted = await app.handle(
      new Request("http://emulator.test/api/v1/auth/keys/code", {
        method: "POST",
        headers: { Authorization: `Bearer ${app.apiKey}` },
        body: JSON.stringify({ callback_url: CALLBACK, code_challenge: pair.codeChallenge, code_challenge_method: "S256" }),
      }),
    );
    const { data } = (await minted.json()) as { data: { id: string } };
    const body = JSON.stringify({ code: data.id, code_verifier: pair.codeVerifier, code_challenge_method: "S256" });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => app.handle(new Request("http://emulator.test/api/v1/auth/keys", { method: "POST", body }))),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(19).fill(403)]);
  });

  it("answers 403 Authorization code expired after the code's lifetime", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const emulator = await startEmulator({ codeTtlMs: 60_000, now: () => clock });
    const { client, wire } = clientFor(emulator);
    const pair = await createPkcePair();
    const mint = () => client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    const early = await mint();
    const late = await mint();
    expect(late.data.createdAt).toBe("2026-01-01T00:00:00Z");

    clock += 59_999;
    await expect(client.exchangeAuthCode({ code: early.data.id, codeVerifier: pair.codeVerifier })).resolves.toBeTruthy();
    clock += 1;
    const answer = await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: late.data.id, code_verifier: pair.codeVerifier });
    expect(answer).toMatchObject({ status: 403, body: { error: { code: 403, message: "Authorization code expired" } } });
    expect(await rejection(client.exchangeAuthCode({ code: late.data.id, codeVerifier: pair.codeVerifier }))).toMatchObject({ code: "code_expired", status: 403 });

    // Forgotten one lifetime later (pruned when the next code is issued).
    clock += 60_000;
    await mint();
    expect(await rejection(client.exchangeAuthCode({ code: late.data.id, codeVerifier: pair.codeVerifier }))).toMatchObject({ code: "invalid_code" });
    expectWireConforms(wire);
  });

  it("expires codes on the real clock too", async () => {
    const emulator = await startEmulator({ codeTtlMs: 50 });
    const { client } = clientFor(emulator);
    const { data } = await client.createAuthCode({ callbackUrl: CALLBACK });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await rejection(client.exchangeAuthCode({ code: data.id }))).toMatchObject({ code: "code_expired" });
  });

  it("rejects malformed exchange bodies with 400 naming the field", async () => {
    const emulator = await startEmulator();
    const url = `${emulator.apiBaseUrl}/auth/keys`;
    const cases: Array<[unknown, string]> = [
      ["{not json", "body"],
      [[], "body"],
      [{}, "code"],
      [{ code: "" }, "code"],
      [{ code: 7 }, "code"],
      [{ code: "auth_code_x", code_verifier: 7 }, "code_verifier"],
      [{ code: "auth_code_x", code_challenge_method: "S512" }, "code_challenge_method"],
      [{ code: "auth_code_x", redirect_uri: CALLBACK }, "redirect_uri"],
    ];
    for (const [body, field] of cases) {
      const answer = await postJson(url, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(check(responseSchema("POST /api/v1/auth/keys", 400), answer.body, { closed: true })).toEqual([]);
      expect((answer.body as { error: { message: string } }).error.message).toContain(field);
    }
    expect(emulator.exchanges().every((e) => e.outcome === "invalid_request" && e.status === 400)).toBe(true);
  });
});

describe("POST /api/v1/auth/keys/code", () => {
  const valid = { callback_url: CALLBACK, code_challenge: RFC_CHALLENGE, code_challenge_method: "S256" };

  it("needs a bearer key it knows", async () => {
    const emulator = await startEmulator({ apiKeys: ["sk-or-v1-admin-one", "sk-or-v1-admin-two"] });
    const url = `${emulator.apiBaseUrl}/auth/keys/code`;
    expect(emulator.apiKey).toBe("sk-or-v1-admin-one");
    expect(await postJson(url, valid)).toMatchObject({ status: 401, body: { error: { code: 401, message: "Missing Authentication header" } } });
    expect(await postJson(url, valid, { Authorization: "Basic c2stb3I=" })).toMatchObject({ status: 401, body: { error: { message: "Missing Authentication header" } } });
    const unknown = await postJson(url, valid, { Authorization: "Bearer sk-or-v1-someone-else" });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ error: { code: 401, message: expect.not.stringMatching(/Missing/) } });
    expect(await postJson(url, valid, { Authorization: "Bearer sk-or-v1-admin-two" })).toMatchObject({ status: 200 });

    const { client, wire } = clientFor(emulator, { apiKey: "sk-or-v1-someone-else" });
    expect(await rejection(client.createAuthCode({ callbackUrl: CALLBACK }))).toMatchObject({ code: "unauthorized", status: 401 });
    const anonymous = clientFor(emulator, { apiKey: undefined });
    expect(await rejection(anonymous.client.createAuthCode({ callbackUrl: CALLBACK }))).toMatchObject({ code: "unauthorized" });
    expectWireConforms([...wire, ...anonymous.wire]);
  });

  it("validates the body as the spec does, naming the field", async () => {
    const emulator = await startEmulator();
    const url = `${emulator.apiBaseUrl}/auth/keys/code`;
    const auth = { Authorization: `Bearer ${emulator.apiKey}` };
    const cases: Array<[Record<string, unknown> | string | unknown[], string]> = [
      ["{nope", "body"],
      [["https://app.example"], "body"],
      [{}, "callback_url"],
      [{ ...valid, callback_url: 42 }, "callback_url"],
      [{ ...valid, callback_url: "http://app.example/cb" }, "callback_url"],
      [{ ...valid, callback_url: "javascript:alert(1)" }, "callback_url"],
      [{ ...valid, callback_url: "https://app.example/cb#frag" }, "callback_url"],
      [{ ...valid, code_challenge: 42 }, "code_challenge"],
      [{ ...valid, code_challenge: "too-short" }, "code_challenge"],
      [{ ...valid, code_challenge: `${RFC_CHALLENGE}=` }, "code_challenge"],
      [{ ...valid, code_challenge: "a".repeat(64) }, "code_challenge"], // hex-style, not a base64url SHA-256
      [{ ...valid, code_challenge: `${"a".repeat(42)}+` }, "code_challenge"],
      [{ ...valid, code_challenge_method: "S512" }, "code_challenge_method"],
      [{ callback_url: CALLBACK, code_challenge_method: "S256" }, "code_challenge_method"],
      [{ ...valid, limit: -1 }, "limit"],
      [{ ...valid, limit: "5" }, "limit"],
      [{ ...valid, limit: null }, "limit"],
      [{ ...valid, expires_at: "2030-01-01T00:00Z" }, "expires_at"],
      [{ ...valid, expires_at: "2030-01-01" }, "expires_at"],
      [{ ...valid, expires_at: "2030-01-01T00:00:00+02:00" }, "expires_at"],
      [{ ...valid, expires_at: "2030-02-30T00:00:00Z" }, "expires_at"],
      [{ ...valid, expires_at: 1893456000 }, "expires_at"],
      [{ ...valid, key_label: "x".repeat(101) }, "key_label"],
      [{ ...valid, key_label: 5 }, "key_label"],
      [{ ...valid, usage_limit_type: "yearly" }, "usage_limit_type"],
      [{ ...valid, workspace_id: "workspace-1" }, "workspace_id"],
      [{ ...valid, state: "xyz" }, "state"],
      [{ ...valid, callbackUrl: CALLBACK }, "callbackUrl"],
    ];
    for (const [body, field] of cases) {
      const answer = await postJson(url, body, auth);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(check(responseSchema("POST /api/v1/auth/keys/code", 400), answer.body, { closed: true })).toEqual([]);
      expect((answer.body as { error: { message: string } }).error.message, JSON.stringify(body)).toContain(field);
    }
    expect(emulator.codesIssued()).toEqual([]);
  });

  it("accepts the boundaries the spec allows", async () => {
    const emulator = await startEmulator();
    const url = `${emulator.apiBaseUrl}/auth/keys/code`;
    const auth = { Authorization: `Bearer ${emulator.apiKey}` };
    const accepted = [
      { callback_url: CALLBACK },
      { callback_url: "http://localhost:3000/cb?tab=keys" },
      { callback_url: "http://127.0.0.1:8080/cb" },
      { ...valid, limit: 0, expires_at: null, key_label: "x".repeat(100), usage_limit_type: "daily", workspace_id: WORKSPACE.toUpperCase() },
      { ...valid, limit: 12.5, expires_at: "2030-01-01T00:00:00.123Z", usage_limit_type: "weekly" },
      { callback_url: CALLBACK, code_challenge: `${"a".repeat(120)}.~`, code_challenge_method: "plain" },
    ];
    for (const body of accepted) {
      const answer = await postJson(url, body, auth);
      expect(answer.status, JSON.stringify(body)).toBe(200);
      expect(check(responseSchema("POST /api/v1/auth/keys/code", 200), answer.body, { closed: true })).toEqual([]);
    }
    expect(emulator.codesIssued().map((e) => e.limit)).toEqual([null, null, null, 0, 12.5, null]);
  });
});

describe("GET /api/v1/key", () => {
  it("answers 401 for missing and unknown keys, and describes the dev key", async () => {
    const emulator = await startEmulator();
    const url = `${emulator.apiBaseUrl}/key`;
    expect(await raw(url)).toMatchObject({ status: 401, body: { error: { code: 401, message: "Missing Authentication header" } } });
    const unknown = await raw(url, { headers: { Authorization: `Bearer sk-or-v1-${"0".repeat(64)}` } });
    expect(unknown).toMatchObject({ status: 401, body: { error: { code: 401 } } });
    expect(check(responseSchema("GET /api/v1/key", 401), unknown.body, { closed: true })).toEqual([]);
    const { client } = clientFor(emulator);
    expect(await rejection(client.getKeyInfo(`sk-or-v1-${"0".repeat(64)}`))).toMatchObject({ code: "unauthorized", status: 401 });
    const dev = await raw(url, { headers: { Authorization: `Bearer ${emulator.apiKey}` } });
    expect(dev.status).toBe(200);
    expect(check(responseSchema("GET /api/v1/key", 200), dev.body, { closed: true })).toEqual([]);
  });

  it("lists every field the spec requires, and none it does not list", async () => {
    const emulator = await startEmulator();
    const { client, wire } = clientFor(emulator);
    const { data } = await client.createAuthCode({ callbackUrl: CALLBACK, limit: 3, usageLimitType: "daily" });
    const { key } = await client.exchangeAuthCode({ code: data.id });
    await client.getKeyInfo(key);
    const record = wire.at(-1);
    expect(record?.operation).toBe("GET /api/v1/key");
    const fields = Object.keys((record?.responseBody as { data: object }).data).sort();
    const spec = responseSchema("GET /api/v1/key", 200).properties?.data;
    expect(spec?.required?.length).toBeGreaterThan(20);
    expect(fields).toEqual(expect.arrayContaining(spec?.required ?? []));
    expect(fields).toContain("expires_at"); // listed, not required, but the point of a minted key
    expectWireConforms(wire);
  });

  it("stops describing a key once its expiry has passed", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const emulator = await startEmulator({ now: () => clock });
    const { client } = clientFor(emulator);
    const { data } = await client.createAuthCode({ callbackUrl: CALLBACK, expiresAt: "2026-01-02T00:00:00Z" });
    const { key } = await client.exchangeAuthCode({ code: data.id });
    await expect(client.getKeyInfo(key)).resolves.toMatchObject({ expiresAt: "2026-01-02T00:00:00Z" });
    clock = Date.parse("2026-01-02T00:00:00Z");
    expect(await rejection(client.getKeyInfo(key))).toMatchObject({ code: "unauthorized" });
  });
});

describe("HTTP behaviour", () => {
  it("answers CORS preflights on every API route, naming Authorization explicitly", async () => {
    const emulator = await startEmulator();
    for (const [path, method] of [
      ["/auth/keys/code", "POST"],
      ["/auth/keys", "POST"],
      ["/key", "GET"],
    ] as const) {
      const answer = await raw(`${emulator.apiBaseUrl}${path}`, {
        method: "OPTIONS",
        headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "authorization,content-type" },
      });
      expect(answer.status, path).toBe(204);
      expect(answer.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
      expect(answer.headers.get("access-control-allow-methods")).toContain(method);
      const allowed = (answer.headers.get("access-control-allow-headers") ?? "").split(",").map((h) => h.trim().toLowerCase());
      for (const header of ["authorization", "content-type", "http-referer", "x-openrouter-title", "x-openrouter-categories", "x-title"]) expect(allowed).toContain(header);
      expect(allowed).not.toContain("*");
      expect(Number(answer.headers.get("access-control-max-age"))).toBeGreaterThan(0);
    }
    expect(emulator.exchanges()).toEqual([]);
  });

  it("sends CORS headers with answers, errors included", async () => {
    const emulator = await startEmulator();
    const origin = { Origin: "https://app.example" };
    const ok = await postJson(`${emulator.apiBaseUrl}/auth/keys/code`, { callback_url: CALLBACK }, { ...origin, Authorization: `Bearer ${emulator.apiKey}` });
    const forbidden = await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: "auth_code_x" }, origin);
    const unauthorized = await raw(`${emulator.apiBaseUrl}/key`, { headers: origin });
    const wrongMethod = await raw(`${emulator.apiBaseUrl}/auth/keys`, { headers: origin });
    for (const answer of [ok, forbidden, unauthorized, wrongMethod]) {
      expect(answer.headers.get("access-control-allow-origin")).toBe("https://app.example");
    }
    expect([ok.status, forbidden.status, unauthorized.status, wrongMethod.status]).toEqual([200, 403, 401, 405]);
    const noOrigin = await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: "auth_code_x" });
    expect(noOrigin.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers 405 with Allow for other methods, 404 for other paths, in the error shape", async () => {
    const emulator = await startEmulator();
    for (const [path, method, allow] of [
      ["/api/v1/auth/keys", "GET", "POST"],
      ["/api/v1/auth/keys", "PUT", "POST"],
      ["/api/v1/auth/keys/code", "DELETE", "POST"],
      ["/api/v1/key", "POST", "GET"],
    ] as const) {
      const answer = await raw(`${emulator.url}${path}`, { method });
      expect(answer, `${method} ${path}`).toMatchObject({ status: 405, body: { error: { code: 405, message: expect.any(String) } } });
      expect(answer.headers.get("allow")).toBe(allow);
    }
    const page = await raw(emulator.authUrl, { method: "PUT" });
    expect(page.status).toBe(405);
    expect(page.headers.get("allow")).toBe("GET, POST");
    expect(await raw(`${emulator.url}/api/v1/models`)).toMatchObject({ status: 404, body: { error: { code: 404, message: "Not Found" } } });
  });

  it("refuses bodies over 64 kB with 413", async () => {
    const emulator = await startEmulator();
    const huge = JSON.stringify({ code: "x".repeat(MAX_BODY_BYTES) });
    const answer = await postJson(`${emulator.apiBaseUrl}/auth/keys`, huge, { Origin: "https://app.example" });
    expect(answer).toMatchObject({ status: 413, body: { error: { code: 413 } } });
    expect(answer.headers.get("access-control-allow-origin")).toBe("https://app.example");
    // The server is still fine afterwards.
    expect(await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: "auth_code_x" })).toMatchObject({ status: 403 });
  });

  it("stops reading a body without Content-Length at 64 kB, over HTTP and in the app alone (msw)", async () => {
    const emulator = await startEmulator();
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(`${emulator.apiBaseUrl}/auth/keys`, { method: "POST", headers: { "Content-Type": "application/json" } }, (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on("error", reject);
      // Chunked: no Content-Length to refuse it by, so the cap applies while reading.
      for (let i = 0; i < 100; i++) request.write("x".repeat(1024));
      request.end();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 413 } });
    expect(emulator.exchanges()).toEqual([]);
    expect(await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: "auth_code_x" })).toMatchObject({ status: 403 });

    const app = createOpenRouterEmulatorApp();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(16 * 1024).fill(120)); // endless: only the cap ends it
      },
    });
    const inApp = await app.handle(new Request("https://openrouter.test/api/v1/auth/keys", { method: "POST", body, duplex: "half" } as RequestInit));
    expect(inApp.status).toBe(413);
  });

});
