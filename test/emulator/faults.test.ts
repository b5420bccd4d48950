// Fault injection, the event log, memory bounds and the platform-neutral app on its own.
import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { createPkcePair } from "../../src/core/pkce.js";
import { createOpenRouterEmulatorApp, startOpenRouterEmulator } from "../../src/emulator/index.js";
import { clientFor, consentUrl, postJson, raw, startEmulator } from "./helpers.js";
import { rejection } from "../support/rejection.js";

const CALLBACK = "https://app.example/cb";

describe("faults", () => {
  it("failNext answers with the status instead of the route; the code stays usable", async () => {
    const emulator = await startEmulator();
    const { client } = clientFor(emulator);
    const { data } = await client.createAuthCode({ callbackUrl: CALLBACK });
    emulator.faults.failNext("exchange", { status: 500, count: 2 });
    for (let i = 0; i < 2; i++) {
      expect(await rejection(client.exchangeAuthCode({ code: data.id }))).toMatchObject({ code: "server_error", status: 500, retryable: true });
    }
    await expect(client.exchangeAuthCode({ code: data.id })).resolves.toBeTruthy();

    emulator.faults.failNext("code", { status: 409 });
    const conflict = await postJson(`${emulator.apiBaseUrl}/auth/keys/code`, { callback_url: CALLBACK }, { Authorization: `Bearer ${emulator.apiKey}` });
    expect(conflict).toMatchObject({ status: 409, body: { error: { code: 409, message: "Resource conflict. Please try again later." } } });
    emulator.faults.failNext("code", { status: 429, message: "Slow down" });
    expect(await rejection(client.createAuthCode({ callbackUrl: CALLBACK }))).toMatchObject({ code: "rate_limited", message: expect.stringContaining("Slow down") });

    emulator.faults.failNext("auth", { status: 503 });
    const page = await fetch(consentUrl(emulator, { callback_url: CALLBACK }));
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("Service Unavailable");
  });

  it("dropNext lets the route run, then kills the connection: the code is used, the key lost", async () => {
    const emulator = await startEmulator();
    const { client } = clientFor(emulator);
    const pair = await createPkcePair();
    const { data } = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    emulator.faults.dropNext("exchange");
    expect(await rejection(client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier }))).toMatchObject({ code: "network_error" });
    expect(emulator.exchanges()).toMatchObject([{ code: data.id, outcome: "ok" }]);
    expect(await rejection(client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier }))).toMatchObject({ code: "invalid_code" });

    emulator.faults.dropNext("code", 2);
    for (let i = 0; i < 2; i++) expect(await rejection(client.createAuthCode({ callbackUrl: CALLBACK }))).toMatchObject({ code: "network_error" });
    await expect(client.createAuthCode({ callbackUrl: CALLBACK })).resolves.toBeTruthy();
  });

  it("malformedNext answers 200 with a body that is not JSON", async () => {
    const emulator = await startEmulator();
    const { client } = clientFor(emulator);
    const { data } = await client.createAuthCode({ callbackUrl: CALLBACK });
    const { key } = await client.exchangeAuthCode({ code: data.id });
    for (const route of ["code", "key"] as const) emulator.faults.malformedNext(route);
    expect(await rejection(client.createAuthCode({ callbackUrl: CALLBACK }))).toMatchObject({ code: "invalid_response" });
    expect(await rejection(client.getKeyInfo(key))).toMatchObject({ code: "invalid_response" });
    await expect(client.getKeyInfo(key)).resolves.toMatchObject({ usage: 0 });

    const minted = await client.createAuthCode({ callbackUrl: CALLBACK });
    emulator.faults.malformedNext("exchange");
    const answer = await postJson(`${emulator.apiBaseUrl}/auth/keys`, { code: minted.data.id });
    expect(answer.status).toBe(200);
    expect(typeof answer.body).toBe("string");
    expect(() => JSON.parse(answer.body as string)).toThrow();
  });

  it("delay holds answers back until cleared, and a client deadline still fires", async () => {
    const emulator = await startEmulator();
    const { client } = clientFor(emulator);
    const { data } = await client.createAuthCode({ callbackUrl: CALLBACK });
    const { key } = await client.exchangeAuthCode({ code: data.id });
    emulator.faults.delay("key", 120);
    const started = performance.now();
    await client.getKeyInfo(key);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);

    const impatient = clientFor(emulator, { timeoutMs: 30 }).client;
    expect(await rejection(impatient.getKeyInfo(key))).toMatchObject({ code: "timeout" });

    emulator.faults.clear();
    const again = performance.now();
    await client.getKeyInfo(key);
    expect(performance.now() - again).toBeLessThan(100);
  });

  it("applies queued faults in order, never to preflights, and forgets them on clear", async () => {
    const emulator = await startEmulator();
    const url = `${emulator.apiBaseUrl}/auth/keys`;
    emulator.faults.failNext("exchange", { status: 502 });
    emulator.faults.malformedNext("exchange");
    expect((await raw(url, { method: "OPTIONS", headers: { Origin: "https://app.example" } })).status).toBe(204);
    expect((await postJson(url, { code: "auth_code_x" })).status).toBe(502);
    expect(await postJson(url, { code: "auth_code_x" })).toMatchObject({ status: 200, body: expect.stringContaining("Bad Gateway") });
    expect((await postJson(url, { code: "auth_code_x" })).status).toBe(403);

    emulator.faults.failNext("exchange", { status: 500, count: 3 });
    emulator.faults.coop(true);
    emulator.faults.clear();
    expect((await postJson(url, { code: "auth_code_x" })).status).toBe(403);
    expect((await fetch(consentUrl(emulator, { callback_url: CALLBACK }))).headers.get("cross-origin-opener-policy")).toBeNull();
    expect(emulator.events.filter((e) => e.type === "fault").map((e) => e.type === "fault" && e.fault)).toEqual(["fail", "malformed"]);
  });

  it("refuses nonsense fault settings", async () => {
    const app = createOpenRouterEmulatorApp();
    expect(() => app.faults.failNext("exchange", { status: 200 })).toThrow(RangeError);
    expect(() => app.faults.dropNext("exchange", 0)).toThrow(RangeError);
    expect(() => app.faults.delay("key", -1)).toThrow(RangeError);
    expect(() => app.faults.malformedNext("nope" as "key")).toThrow(TypeError);
  });
});

describe("event log", () => {
  it("records requests, issued codes and exchange outcomes, and reset forgets them", async () => {
    const emulator = await startEmulator();
    const { client } = clientFor(emulator);
    const pair = await createPkcePair();
    const { data } = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256", limit: 1 });
    await client.exchangeAuthCode({ code: data.id, codeVerifier: "x".repeat(43) }).catch(() => undefined);
    const { key } = await client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier });

    expect(emulator.app.requests().map((r) => `${r.method} ${r.path} ${r.route}`)).toEqual([
      "POST /api/v1/auth/keys/code code",
      "POST /api/v1/auth/keys exchange",
      "POST /api/v1/auth/keys exchange",
    ]);
    expect(emulator.codesIssued()).toMatchObject([{ type: "code_issued", code: data.id, source: "minted", callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, limit: 1 }]);
    expect(emulator.exchanges()).toMatchObject([
      { code: data.id, status: 403, outcome: "invalid_code", key: null },
      { code: data.id, status: 200, outcome: "ok", key },
    ]);
    expect(emulator.events.every((e) => typeof e.at === "number")).toBe(true);

    emulator.reset();
    expect(emulator.events).toEqual([]);
    expect(await rejection(client.getKeyInfo(key))).toMatchObject({ code: "unauthorized" });
  });

  it("tells an observer about each event, and survives a broken one", async () => {
    const seen: string[] = [];
    const emulator = await startEmulator({
      onEvent: (event) => {
        seen.push(event.type);
        throw new Error("observer bug");
      },
    });
    const { client } = clientFor(emulator);
    const { data } = await client.createAuthCode({ callbackUrl: CALLBACK });
    await client.exchangeAuthCode({ code: data.id });
    expect(seen).toEqual(["request", "code_issued", "request", "exchange"]);
  });
});

describe("memory", () => {
  it("stays flat over 1,000 flows in a row, and prunes codes never exchanged", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const app = createOpenRouterEmulatorApp({ maxRecords: 100, codeTtlMs: 60_000, now: () => clock });
    const origin = "https://openrouter.test";
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      app.handle(new Request(`${origin}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) }));
    const pair = await createPkcePair();
    const sizes: number[] = [];
    for (let i = 1; i <= 1000; i++) {
      const created = await post(
        "/api/v1/auth/keys/code",
        { callback_url: CALLBACK, code_challenge: pair.codeChallenge, code_challenge_method: "S256" },
        { Authorization: `Bearer ${app.apiKey}` },
      );
      const { data } = (await created.json()) as { data: { id: string } };
      const exchanged = await post("/api/v1/auth/keys", { code: data.id, code_verifier: pair.codeVerifier });
      expect(exchanged.status).toBe(200);
      clock += 10;
      if (i % 100 === 0) sizes.push(app.stats().codes + app.stats().keys + app.stats().events);
    }
    expect(app.stats()).toEqual({ codes: 0, keys: 100, events: 100 });
    expect(new Set(sizes)).toEqual(new Set([200]));

    // Abandoned codes: expired ones go after one more lifetime, and never more than maxRecords live.
    for (let i = 0; i < 500; i++) await post("/api/v1/auth/keys/code", { callback_url: CALLBACK }, { Authorization: `Bearer ${app.apiKey}` });
    expect(app.stats().codes).toBe(100);
    clock += 120_000;
    await post("/api/v1/auth/keys/code", { callback_url: CALLBACK }, { Authorization: `Bearer ${app.apiKey}` });
    expect(app.stats().codes).toBe(1);
  });
});

describe("the platform-neutral app", () => {
  it("works on any origin and under a base path, and drops with Response.error()", async () => {
    const app = createOpenRouterEmulatorApp({ basePath: "/openrouter/", appId: 4242 });
    const page = await app.handle(new Request(`https://emulator.test/openrouter/auth?callback_url=${encodeURIComponent(CALLBACK)}`));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('action="/openrouter/auth"');
    const approved = await app.handle(
      new Request("https://emulator.test/openrouter/auth", { method: "POST", body: new URLSearchParams({ callback_url: CALLBACK, decision: "approve" }) }),
    );
    expect(approved.status).toBe(303);
    const minted = await app.handle(
      new Request("https://emulator.test/openrouter/api/v1/auth/keys/code", { method: "POST", headers: { Authorization: `Bearer ${app.apiKey}` }, body: JSON.stringify({ callback_url: CALLBACK }) }),
    );
    expect(await minted.json()).toMatchObject({ data: { app_id: 4242 } });
    expect((await app.handle(new Request("https://emulator.test/auth"))).status).toBe(404);

    app.faults.dropNext("key");
    const dropped = await app.handle(new Request("https://emulator.test/openrouter/api/v1/key"));
    expect(dropped.type).toBe("error");
  });

  it("checks its options", () => {
    expect(() => createOpenRouterEmulatorApp({ codeTtlMs: 0 })).toThrow(RangeError);
    expect(() => createOpenRouterEmulatorApp({ apiKeys: [] })).toThrow(TypeError);
    expect(() => createOpenRouterEmulatorApp({ apiKeys: ["has space"] })).toThrow(TypeError);
    expect(() => createOpenRouterEmulatorApp({ maxRecords: 0 })).toThrow(RangeError);
    expect(() => createOpenRouterEmulatorApp({ basePath: "openrouter" })).toThrow(TypeError);
    expect(createOpenRouterEmulatorApp().apiKey).toBe("sk-or-v1-emulator-dev-key");
  });
});

describe("the Node server", () => {
  it("reports its URLs, and close() ends keep-alive connections at once", async () => {
    const emulator = await startOpenRouterEmulator({ apiKeys: ["sk-or-v1-test"] });
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.authUrl).toBe(`${emulator.url}/auth`);
    expect(emulator.apiBaseUrl).toBe(`${emulator.url}/api/v1`);
    expect(emulator.apiKey).toBe("sk-or-v1-test");
    // fetch keeps this connection alive; close() must not wait for it to time out.
    expect((await raw(`${emulator.apiBaseUrl}/key`, { headers: { Authorization: "Bearer sk-or-v1-test" } })).status).toBe(200);
    const started = performance.now();
    await emulator.close();
    await emulator.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(fetch(emulator.authUrl)).rejects.toThrow();
  });

  it("answers requests fetch cannot represent without falling over", async () => {
    const emulator = await startEmulator();
    const status = (method: string, path: string) =>
      new Promise<number | undefined>((resolve, reject) => {
        const request = httpRequest(`${emulator.url}${path}`, { method }, (response) => {
          response.resume();
          resolve(response.statusCode);
        });
        request.on("error", reject);
        request.end();
      });
    expect(await status("TRACE", "/auth")).toBe(405);
    expect(await status("GET", "/api/v1/key/%")).toBe(404);
    expect((await raw(`${emulator.apiBaseUrl}/key`, { headers: { Authorization: `Bearer ${emulator.apiKey}` } })).status).toBe(200);
  });

  it("cuts off a delayed request when close() is called", async () => {
    const emulator = await startOpenRouterEmulator();
    emulator.faults.delay("key", 150);
    const pending = fetch(`${emulator.apiBaseUrl}/key`).then(
      () => "answered",
      () => "cut off",
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await emulator.close();
    expect(await pending).toBe("cut off");
  });
});
