// What the route handlers do with a failure that is not a refusal they know: never a 400 that
// carries a raw message, and a policy that could only fail at request time refused at construction.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OpenRouterAuthError } from "../../src/core/errors.js";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { createExchangeHandler, createMintHandler, type MintPolicy, type RefusedEvent } from "../../src/server/index.js";
import { APP, APP_KEY, call, expectError, jsonRequest, wireBody } from "./support.js";

const POLICY: MintPolicy = { maxLimit: 10, maxLifetimeSeconds: 3600, allowedOrigins: [APP] };

let emulator: RunningOpenRouterEmulator;
beforeAll(async () => {
  emulator = await startOpenRouterEmulator({ apiKeys: [APP_KEY] });
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

/** An `authorize` that lets the request through and leaves a field behind that throws when read (an app's own getter, a Proxy). */
function authorizeLeavingTrap(field: string) {
  return (_request: Request, { body }: { body: unknown }) => {
    Object.defineProperty(body as object, field, {
      enumerable: true,
      get() {
        throw new TypeError(`cannot read ${field}: session sk-or-v1-leaked-by-a-getter`);
      },
    });
    return true;
  };
}

describe("an error that is not a refusal the handler knows", () => {
  it("mint: a body field that throws when read is a 500 without details, never a 400 with the raw text", async () => {
    const refused: RefusedEvent[] = [];
    const handler = createMintHandler({
      apiKey: APP_KEY,
      baseUrl: emulator.apiBaseUrl,
      authorize: authorizeLeavingTrap("limit"),
      policy: POLICY,
      onRefused: (event) => void refused.push(event),
    });
    const answer = await call(handler, jsonRequest(await wireBody({ limit: 1 })));
    expectError(answer, 500, "Internal server error.");
    expect(answer.text).not.toContain("leaked");
    expect(refused).toMatchObject([{ status: 500, reason: "internal", detail: expect.stringContaining("TypeError: cannot read limit") }]);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("exchange: a body that cannot be read is refused with a fixed text, never the raw one, and onKey never runs", async () => {
    const refused: RefusedEvent[] = [];
    let keys = 0;
    const handler = createExchangeHandler({
      baseUrl: emulator.apiBaseUrl,
      authorize: authorizeLeavingTrap("code"),
      onKey: () => void keys++,
      policy: { allowedOrigins: [APP] },
      onRefused: (event) => void refused.push(event),
    });
    const answer = await call(handler, jsonRequest({ code: "a-code", codeVerifier: "v".repeat(43), codeChallengeMethod: "S256" }));
    expectError(answer, 400, "Invalid request: must be a plain object whose fields can be read");
    expect(answer.text).not.toContain("leaked");
    expect(refused).toMatchObject([{ status: 400, reason: "invalid_body" }]);
    expect(keys).toBe(0);
  });
});

describe("a policy that could only fail at request time", () => {
  it("refuses at construction a maxLifetimeSeconds whose expiry no date can hold, and takes 100 years", async () => {
    for (const maxLifetimeSeconds of [Number.MAX_SAFE_INTEGER, 1e13, 100 * 365 * 86_400 + 1]) {
      let thrown: unknown;
      try {
        createMintHandler({ apiKey: APP_KEY, baseUrl: emulator.apiBaseUrl, authorize: () => true, policy: { ...POLICY, maxLifetimeSeconds } });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, String(maxLifetimeSeconds)).toBeInstanceOf(OpenRouterAuthError);
      expect((thrown as OpenRouterAuthError).issues?.[0]?.path).toEqual(["policy", "maxLifetimeSeconds"]);
    }
    const longest = createMintHandler({ apiKey: APP_KEY, baseUrl: emulator.apiBaseUrl, authorize: () => true, policy: { ...POLICY, maxLifetimeSeconds: 100 * 365 * 86_400 } });
    expect((await call(longest, jsonRequest(await wireBody()))).status).toBe(200);
    expect(new Date(String(emulator.codesIssued()[0]?.expiresAt)).getUTCFullYear()).toBeGreaterThan(new Date().getUTCFullYear() + 98);
  });
});
