// openrouter-connect/testing in Node: msw's setupServer with createOpenRouterHandlers, driven by
// the project's own client at its default base URL (https://openrouter.ai/api/v1).
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOpenRouterAuthClient, createPkcePair, DEFAULT_AUTH_URL, DEFAULT_BASE_URL } from "../../src/core/index.js";
import { createOpenRouterHandlers, EMULATOR_DEV_API_KEY, OPENROUTER_ORIGIN, type OpenRouterHandlers } from "../../src/testing/index.js";
import { rejection } from "../support/rejection.js";

const CALLBACK = "https://app.example/openrouter/callback";
const KEY_PATTERN = /^sk-or-v1-[0-9a-f]{64}$/;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Fresh handlers for one test, installed in front of anything else. */
function useOpenRouter(options?: Parameters<typeof createOpenRouterHandlers>[0]): OpenRouterHandlers {
  const openrouter = createOpenRouterHandlers(options);
  server.use(...openrouter.handlers);
  return openrouter;
}

async function mint(openrouter: OpenRouterHandlers, method: "S256" | "plain" = "S256") {
  const client = createOpenRouterAuthClient({ apiKey: openrouter.apiKey });
  const pair = await createPkcePair(method);
  const { data } = await client.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: method, limit: 5 });
  return { client, pair, code: data.id };
}

describe("createOpenRouterHandlers", () => {
  it("defaults to OpenRouter's own URLs, so the library needs no configuration", () => {
    const openrouter = createOpenRouterHandlers();
    expect(openrouter.url).toBe(OPENROUTER_ORIGIN);
    expect(openrouter.apiBaseUrl).toBe(DEFAULT_BASE_URL);
    expect(openrouter.authUrl).toBe(DEFAULT_AUTH_URL);
    expect(openrouter.apiKey).toBe(EMULATOR_DEV_API_KEY);
    // The consent page, the three API operations and the keys page.
    expect(openrouter.handlers).toHaveLength(5);
    expect(openrouter.keysUrl).toBe("https://openrouter.ai/settings/keys");
  });

  it("runs the minted flow: create a code, exchange it once, describe the key", async () => {
    const openrouter = useOpenRouter();
    const { client, pair, code } = await mint(openrouter);
    expect(code).toMatch(/^auth_code_/);

    const { key, userId } = await client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });
    expect(key).toMatch(KEY_PATTERN);
    expect(userId).toBe("user_emulator");
    await expect(client.getKeyInfo(key)).resolves.toMatchObject({ limit: 5, limitRemaining: 5, usage: 0 });
  });

  it("refuses a replayed code with invalid_code (codes are single-use)", async () => {
    const openrouter = useOpenRouter();
    const { client, pair, code } = await mint(openrouter);
    await client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });

    const replay = await rejection(client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" }));
    expect(replay).toMatchObject({ code: "invalid_code", status: 403 });
    expect(replay.message).toContain("Invalid code or code_verifier");
    expect(openrouter.exchanges().map((e) => e.outcome)).toEqual(["ok", "invalid_code"]);
  });

  it("checks PKCE: a wrong verifier fails with invalid_code and leaves the code usable", async () => {
    const openrouter = useOpenRouter();
    const { client, pair, code } = await mint(openrouter);
    const other = await createPkcePair("S256");

    const wrong = await rejection(client.exchangeAuthCode({ code, codeVerifier: other.codeVerifier, codeChallengeMethod: "S256" }));
    expect(wrong).toMatchObject({ code: "invalid_code", status: 403 });
    expect(openrouter.exchanges()[0]).toMatchObject({ outcome: "invalid_code", detail: "code_verifier does not match code_challenge" });

    await expect(client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" })).resolves.toMatchObject({
      key: expect.stringMatching(KEY_PATTERN),
    });
  });

  it("answers a method that differs from the code's with invalid_code_challenge_method", async () => {
    const openrouter = useOpenRouter();
    const { client, pair, code } = await mint(openrouter, "plain");
    const error = await rejection(client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" }));
    expect(error).toMatchObject({ code: "invalid_code_challenge_method", status: 400 });
  });

  it("refuses code creation without the bearer key", async () => {
    useOpenRouter();
    const error = await rejection(createOpenRouterAuthClient().createAuthCode({ callbackUrl: CALLBACK }));
    expect(error).toMatchObject({ code: "unauthorized", status: 401 });
  });

  it("records every event: requests, the issued code with its controls, the exchange and its key", async () => {
    const openrouter = useOpenRouter();
    const { client, pair, code } = await mint(openrouter);
    const { key } = await client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });

    expect(openrouter.events.map((e) => e.type)).toEqual(["request", "code_issued", "request", "exchange"]);
    expect(openrouter.app.requests().map((r) => `${r.method} ${r.path} ${r.route}`)).toEqual([
      "POST /api/v1/auth/keys/code code",
      "POST /api/v1/auth/keys exchange",
    ]);
    expect(openrouter.codesIssued()).toEqual([
      expect.objectContaining({ code, source: "minted", callbackUrl: CALLBACK, codeChallengeMethod: "S256", limit: 5 }),
    ]);
    expect(openrouter.exchanges()).toEqual([expect.objectContaining({ code, status: 200, outcome: "ok", key })]);

    openrouter.reset();
    expect(openrouter.events).toEqual([]);
  });

  it("serves the consent page and its form: approve redirects to the callback with a code that exchanges", async () => {
    const openrouter = useOpenRouter();
    const pair = await createPkcePair("S256");
    const query = new URLSearchParams({ callback_url: CALLBACK, code_challenge: pair.codeChallenge, code_challenge_method: "S256" });

    const page = await fetch(`${openrouter.authUrl}?${query}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Connect app.example to OpenRouter");

    query.set("decision", "approve");
    const approved = await fetch(openrouter.authUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: query,
      redirect: "manual",
    });
    expect(approved.status).toBe(303);
    const location = new URL(approved.headers.get("Location") as string);
    expect(location.origin + location.pathname).toBe(CALLBACK);
    const code = location.searchParams.get("code") as string;

    const client = createOpenRouterAuthClient();
    await expect(client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" })).resolves.toMatchObject({
      key: expect.stringMatching(KEY_PATTERN),
    });
    expect(openrouter.codesIssued()[0]).toMatchObject({ source: "consent", code });
  });

  it("serves the keys page: Revoke from the page's own origin ends the key", async () => {
    const openrouter = useOpenRouter();
    const { client, pair, code } = await mint(openrouter);
    const { key } = await client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });

    const page = await (await fetch(openrouter.keysUrl)).text();
    expect(page).not.toContain(key);
    const keyId = /name="key_id" value="([0-9a-f]{32})"/.exec(page)?.[1] as string;
    const revoke = (origin: string) =>
      fetch(openrouter.keysUrl, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
        body: new URLSearchParams({ key_id: keyId }),
        redirect: "manual",
      });
    expect((await revoke("https://evil.example")).status).toBe(403);
    await expect(client.getKeyInfo(key)).resolves.toMatchObject({ limit: 5 });
    expect((await revoke(OPENROUTER_ORIGIN)).status).toBe(303);
    await expect(rejection(client.getKeyInfo(key))).resolves.toMatchObject({ code: "unauthorized", status: 401 });
    expect(openrouter.revokedKeys()).toEqual([key]);
  });

  it("injects faults through the emulator: a failed exchange leaves the code usable", async () => {
    const openrouter = useOpenRouter();
    const { client, pair, code } = await mint(openrouter);
    openrouter.faults.failNext("exchange", { status: 500 });

    await expect(rejection(client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" }))).resolves.toMatchObject({
      code: "server_error",
      retryable: true,
    });
    openrouter.faults.dropNext("exchange");
    await expect(rejection(client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" }))).resolves.toMatchObject({
      code: "network_error",
    });
    // The dropped answer was lost after the exchange ran: the code is gone now, as on a real network.
    await expect(rejection(client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" }))).resolves.toMatchObject({
      code: "invalid_code",
    });
  });

  it("answers only its own routes, so other handlers on the same origin keep working", async () => {
    useOpenRouter();
    server.use(http.post(`${DEFAULT_BASE_URL}/chat/completions`, () => HttpResponse.json({ id: "chatcmpl-1" })));
    const chat = await fetch(`${DEFAULT_BASE_URL}/chat/completions`, { method: "POST", body: "{}" });
    expect(await chat.json()).toEqual({ id: "chatcmpl-1" });
  });

  it("keeps emulators under different base URLs apart", async () => {
    const a = useOpenRouter({ baseUrl: "https://openrouter.test/tenant-a/" });
    const b = useOpenRouter({ baseUrl: "https://openrouter.test/tenant-b", apiKeys: ["sk-or-v1-tenant-b"] });
    expect(a.apiBaseUrl).toBe("https://openrouter.test/tenant-a/api/v1");
    expect(b.apiKey).toBe("sk-or-v1-tenant-b");

    const pair = await createPkcePair("S256");
    const clientA = createOpenRouterAuthClient({ baseUrl: a.apiBaseUrl, apiKey: a.apiKey });
    const clientB = createOpenRouterAuthClient({ baseUrl: b.apiBaseUrl, apiKey: b.apiKey });
    const { data } = await clientA.createAuthCode({ callbackUrl: CALLBACK, codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });

    // A code from tenant A means nothing to tenant B.
    await expect(rejection(clientB.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier }))).resolves.toMatchObject({ code: "invalid_code" });
    await expect(clientA.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier })).resolves.toMatchObject({ userId: "user_emulator" });
    expect(a.exchanges().map((e) => e.outcome)).toEqual(["ok"]);
    expect(b.exchanges().map((e) => e.outcome)).toEqual(["invalid_code"]);
  });

  it("passes emulator options through (here: a clock, to expire codes without waiting)", async () => {
    let now = Date.parse("2030-01-01T00:00:00Z");
    const openrouter = useOpenRouter({ now: () => now, codeTtlMs: 60_000 });
    const { client, pair, code } = await mint(openrouter);
    now += 60_000;
    await expect(rejection(client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier }))).resolves.toMatchObject({ code: "code_expired" });
  });

  it("rejects a base URL that is not an absolute http(s) URL", () => {
    expect(() => createOpenRouterHandlers({ baseUrl: "openrouter.ai" })).toThrow(TypeError);
    expect(() => createOpenRouterHandlers({ baseUrl: "ftp://openrouter.ai" })).toThrow(TypeError);
    expect(() => createOpenRouterHandlers({ baseUrl: "https://openrouter.ai/?x=1" })).toThrow(TypeError);
  });
});
