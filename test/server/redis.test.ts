// The Redis quota store on a real redis-server (Debian's, started here on a free loopback port
// and stopped by its pid). Skipped, saying why, where redis-server is missing, unless
// REQUIRE_REDIS=1 (CI), where a missing redis-server fails.
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenRouterAuthError } from "../../src/core/errors.js";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { createMintHandler, type MintHandler } from "../../src/server/index.js";
import { createRedisQuotaStore } from "../../src/server/redis.js";
import { quotaStoreContract, uniqueName } from "./quota-contract.js";
import { answersSeen, APP, APP_KEY, redisMissing, redisRequired, serve, startRedis, wireBody, type RunningRedis } from "./support.js";

if (redisMissing && redisRequired) {
  describe("Redis quota store", () => {
    it("needs redis-server (REQUIRE_REDIS=1)", () => {
      throw new Error(redisMissing);
    });
  });
}

const suite = redisMissing ? describe.skip : describe;

suite(redisMissing ? `Redis quota store (skipped: ${redisMissing})` : "Redis quota store on a real redis-server", () => {
  let redis: RunningRedis;
  const clients: Array<{ isOpen: boolean; close(): Promise<void> }> = [];
  let emulator: RunningOpenRouterEmulator;

  async function connect() {
    const client = createClient({ url: redis.url });
    client.on("error", () => {});
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    redis = await startRedis();
    emulator = await startOpenRouterEmulator({ apiKeys: [APP_KEY] });
  }, 20_000);
  afterAll(async () => {
    for (const client of clients) if (client.isOpen) await client.close();
    await emulator?.close();
    await redis?.stop();
  });

  let shared: ReturnType<typeof createRedisQuotaStore>;
  beforeAll(async () => {
    shared = createRedisQuotaStore(await connect());
  });
  quotaStoreContract("createRedisQuotaStore", () => shared);

  it("keeps each counter as a sorted set under its prefix that expires with its window", async () => {
    const client = await connect();
    const store = createRedisQuotaStore(client, { prefix: "test-prefix:" });
    const name = uniqueName("subject");
    expect(await store.take({ id: "take-1", counters: [{ name, windowSeconds: 30, maxKeys: 5, exposure: 2.5 }] })).toEqual({ ok: true });
    expect(await store.take({ id: "take-2", counters: [{ name, windowSeconds: 30, maxKeys: 5, exposure: 0.1 }] })).toEqual({ ok: true });
    expect(await client.sendCommand(["ZRANGE", `test-prefix:mints:${name}`, "0", "-1"])).toEqual(["take-1 2500000", "take-2 100000"]);
    expect(await client.sendCommand(["GET", `test-prefix:units:${name}`])).toBe("2600000");
    for (const key of [`test-prefix:mints:${name}`, `test-prefix:units:${name}`]) {
      const ttl = Number(await client.sendCommand(["PTTL", key]));
      expect(ttl).toBeGreaterThan(28_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    }
    // Given back: the sum follows, and an empty counter leaves no key behind.
    await store.giveBack({ id: "take-2", counters: [{ name, windowSeconds: 30, maxKeys: 5, exposure: 0.1 }] });
    expect(await client.sendCommand(["GET", `test-prefix:units:${name}`])).toBe("2500000");
    await store.giveBack({ id: "take-1", counters: [{ name, windowSeconds: 30, maxKeys: 5, exposure: 2.5 }] });
    expect(await client.sendCommand(["EXISTS", `test-prefix:mints:${name}`, `test-prefix:units:${name}`])).toBe(0);
  });

  it("forgets mints older than the window (Redis's own clock) and says when the oldest counted one leaves", async () => {
    const client = await connect();
    const store = createRedisQuotaStore(client, { prefix: "clock:" });
    const name = uniqueName("subject");
    const [seconds] = (await client.sendCommand(["TIME"])) as string[];
    const now = Number(seconds) * 1000;
    // Two mints planted in the past: one just out of a 60 s window ($3), one 50 s old ($1).
    await client.sendCommand(["ZADD", `clock:mints:${name}`, String(now - 61_000), "old 3000000", String(now - 50_000), "recent 1000000"]);
    await client.sendCommand(["SET", `clock:units:${name}`, "4000000"]);
    const refused = await store.take({ id: "new", counters: [{ name, windowSeconds: 60, maxKeys: 1, exposure: 0 }] });
    expect(refused).toMatchObject({ ok: false, counter: 0 });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(9);
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(11);
    expect(await client.sendCommand(["ZRANGE", `clock:mints:${name}`, "0", "-1"])).toEqual(["recent 1000000"]);
    expect(await client.sendCommand(["GET", `clock:units:${name}`])).toBe("1000000");
    // $1 counted: $4.50 more fits under $5.50, $4.51 does not.
    const dollars = (exposure: number) => store.take({ id: `d${exposure}`, counters: [{ name, windowSeconds: 60, maxExposure: 5.5, exposure }] });
    expect(await dollars(4.51)).toMatchObject({ ok: false });
    expect(await dollars(4.5)).toEqual({ ok: true });
  });

  it("loads its script again after Redis lost it (SCRIPT FLUSH, a restart)", async () => {
    const client = await connect();
    const store = createRedisQuotaStore(client);
    const counter = { name: uniqueName("flush"), windowSeconds: 60, maxKeys: 2, exposure: 0 };
    expect(await store.take({ id: "a", counters: [counter] })).toEqual({ ok: true });
    await client.sendCommand(["SCRIPT", "FLUSH"]);
    expect(await store.take({ id: "b", counters: [counter] })).toEqual({ ok: true });
    expect(await store.take({ id: "c", counters: [counter] })).toMatchObject({ ok: false });
  });

  it("refuses something that is not a client, and a bad prefix", () => {
    expect(() => createRedisQuotaStore({} as never)).toThrow(OpenRouterAuthError);
    expect(() => createRedisQuotaStore({ sendCommand: async () => null }, { prefix: "" })).toThrow(/prefix/);
  });

  it("a Redis that cannot be reached fails the mint closed (503), nothing minted", async () => {
    const closed = createClient({ url: redis.url });
    closed.on("error", () => {});
    const handler = createMintHandler({
      apiKey: APP_KEY,
      baseUrl: emulator.apiBaseUrl,
      authorize: () => ({ subject: "alice" }),
      policy: { maxLimit: 5, maxLifetimeSeconds: 3600, allowedOrigins: [APP] },
      quota: { perSubject: { windowSeconds: 60, maxKeys: 5 }, store: createRedisQuotaStore(closed) }, // never connected
    });
    const response = await handler(new Request(`${APP}/api/mint`, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json" }, body: JSON.stringify(await wireBody()) }));
    answersSeen.push(await response.clone().text());
    expect(response.status).toBe(503);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("two instances of the mint route on one Redis enforce one quota, over real HTTP", async () => {
    emulator.reset();
    const prefix = `${uniqueName("app")}:`;
    const instance = async (): Promise<MintHandler> =>
      createMintHandler({
        apiKey: APP_KEY,
        baseUrl: emulator.apiBaseUrl,
        authorize: (request) => ({ subject: request.headers.get("x-user") ?? "anonymous" }),
        policy: { maxLimit: 5, maxLifetimeSeconds: 3600, allowedOrigins: [APP] },
        quota: { perSubject: { windowSeconds: 3600, maxKeys: 3 }, global: { windowSeconds: 3600, maxKeys: 5 }, store: createRedisQuotaStore(await connect(), { prefix }) },
      });
    const servers = [await serve(await instance()), await serve(await instance())];
    try {
      const post = async (url: string, user: string) => {
        const response = await fetch(`${url}/api/mint`, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json", "X-User": user }, body: JSON.stringify(await wireBody()) });
        const text = await response.text();
        answersSeen.push(text);
        return { status: response.status, body: JSON.parse(text) as { error?: { scope?: string } } };
      };
      // 50 concurrent requests from one user, spread over both instances: exactly 3 mints.
      const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => post(servers[i % 2]!.url, "alice")));
      expect(burst.filter((a) => a.status === 200)).toHaveLength(3);
      expect(burst.filter((a) => a.status === 429 && a.body.error?.scope === "subject")).toHaveLength(47);
      // Another user gets 2 more on either instance, then the global rule (5) stops everyone.
      expect((await post(servers[1]!.url, "bob")).status).toBe(200);
      expect((await post(servers[0]!.url, "bob")).status).toBe(200);
      const third = await post(servers[1]!.url, "bob");
      expect([third.status, third.body.error?.scope]).toEqual([429, "global"]);
      expect(emulator.codesIssued()).toHaveLength(5);
    } finally {
      for (const server of servers) await server.close();
    }
  });
});
