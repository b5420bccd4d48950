// 1,000 minted flows in a row through the core client against the real emulator over
// HTTP: every one succeeds, every key is distinct, and the emulator's memory stays flat
// (used codes deleted, expired ones pruned, keys and events capped).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenRouterAuthClient, createPkcePair, type OpenRouterAuthClient } from "../../src/core/index.js";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";

const FLOWS = 1000;
const MAX_RECORDS = 200;
const CODE_TTL_MS = 60_000;

let clock = Date.parse("2030-01-01T00:00:00Z");
let emulator: RunningOpenRouterEmulator;
/** In process: fetch hands the Request straight to the emulator's app. */
let client: OpenRouterAuthClient;
/** Over loopback HTTP through the emulator's node:http server. */
let httpClient: OpenRouterAuthClient;

beforeAll(async () => {
  emulator = await startOpenRouterEmulator({ port: 0, maxRecords: MAX_RECORDS, codeTtlMs: CODE_TTL_MS, now: () => clock });
  httpClient = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
  client = createOpenRouterAuthClient({
    baseUrl: emulator.apiBaseUrl,
    apiKey: emulator.apiKey,
    fetch: (input, init) => emulator.app.handle(new Request(input, init)),
  });
});
afterAll(() => emulator?.close());

function heapAfterGc(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function mintedFlow(i: number, via = client): Promise<string> {
  const pair = await createPkcePair();
  const { data } = await via.createAuthCode({
    callbackUrl: "https://app.example/callback",
    codeChallenge: pair.codeChallenge,
    codeChallengeMethod: pair.codeChallengeMethod,
    limit: i % 50,
    keyLabel: `flow ${i}`,
    usageLimitType: "monthly",
  });
  const { key, userId } = await via.exchangeAuthCode({
    code: data.id,
    codeVerifier: pair.codeVerifier,
    codeChallengeMethod: pair.codeChallengeMethod,
  });
  expect(userId).toBe("user_emulator");
  return key;
}

describe("many minted flows", () => {
  it(`runs ${FLOWS} minted flows in a row: all succeed, each key distinct, emulator memory flat`, async () => {
    const keys = new Set<string>();
    const samples: Array<{ codes: number; keys: number; events: number }> = [];
    // Warm up (JIT, keep-alive connection) before the first heap sample.
    keys.add(await mintedFlow(FLOWS));
    const heapBefore = heapAfterGc();
    for (let i = 0; i < FLOWS; i++) {
      keys.add(await mintedFlow(i));
      if (i % 100 === 99) samples.push(emulator.app.stats());
    }
    const heapAfter = heapAfterGc();

    expect(keys.size).toBe(FLOWS + 1);
    const ok = emulator.exchanges().filter((e) => e.outcome === "ok");
    expect(ok.length).toBeGreaterThan(0);
    expect(emulator.exchanges().every((e) => e.outcome === "ok")).toBe(true);
    // Used codes are deleted at once; keys and the event log stop at maxRecords.
    for (const s of samples) {
      expect(s.codes).toBe(0);
      expect(s.keys).toBeLessThanOrEqual(MAX_RECORDS);
      expect(s.events).toBeLessThanOrEqual(MAX_RECORDS);
    }
    expect(samples.at(-1)).toEqual(samples.at(-5));
    if (heapBefore !== undefined && heapAfter !== undefined) {
      // Flat: a leak of one key/code record per flow would be far above this.
      expect(heapAfter - heapBefore).toBeLessThan(8 * 1024 * 1024);
    }
  }, 30_000);

  it("runs 100 more over real HTTP: all succeed, keys distinct, nothing left behind", async () => {
    emulator.reset();
    const keys = new Set<string>();
    for (let i = 0; i < 100; i++) keys.add(await mintedFlow(i, httpClient));
    expect(keys.size).toBe(100);
    // The event log keeps the last MAX_RECORDS events (4 per flow): every exchange in it succeeded.
    expect(emulator.exchanges().every((e) => e.outcome === "ok")).toBe(true);
    expect(emulator.app.stats()).toMatchObject({ codes: 0, keys: 100 });
  }, 30_000);

  it("prunes codes that were issued but never exchanged once they have expired", async () => {
    emulator.reset();
    for (let i = 0; i < 150; i++) {
      const pair = await createPkcePair();
      await client.createAuthCode({ callbackUrl: "https://app.example/callback", codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    }
    expect(emulator.app.stats().codes).toBe(150);
    // Abandoned codes never exceed the cap, however many are issued.
    for (let i = 0; i < MAX_RECORDS + 50; i++) {
      const pair = await createPkcePair();
      await client.createAuthCode({ callbackUrl: "https://app.example/callback", codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    }
    expect(emulator.app.stats().codes).toBeLessThanOrEqual(MAX_RECORDS);

    // Expired codes answer "expired" for one more lifetime, then are forgotten when the next code is issued.
    clock += 2 * CODE_TTL_MS + 1;
    const pair = await createPkcePair();
    const { data } = await client.createAuthCode({ callbackUrl: "https://app.example/callback", codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    expect(emulator.app.stats().codes).toBe(1);
    const { key } = await client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });
    expect(key).toMatch(/^sk-or-v1-/);
    expect(emulator.app.stats().codes).toBe(0);
  });
});
