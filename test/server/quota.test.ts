import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { OpenRouterAuthError } from "../../src/core/errors.js";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import {
  createMemoryQuotaStore,
  createMintHandler,
  DEFAULT_MINT_QUOTA,
  keyExposure,
  SHORTEST_PERIOD_SECONDS,
  type MintHandlerOptions,
  type MintQuota,
  type QuotaCounter,
  type QuotaStore,
  type RefusedEvent,
} from "../../src/server/index.js";
import { quotaStoreContract } from "./quota-contract.js";
import { APP, APP_KEY, call, expectError, jsonRequest, wireBody } from "./support.js";

const DAY = 86_400;
const NOW = Date.UTC(2030, 0, 15, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

describe("keyExposure: the most a key can spend in a window", () => {
  it("is the limit for a key without a reset, whatever its life or the window", () => {
    expect(keyExposure({ limit: 5 }, DAY, NOW)).toBe(5);
    expect(keyExposure({ limit: 5, expiresAt: null }, 365 * DAY, NOW)).toBe(5);
  });

  it("counts the first period plus every reset that can come inside the window while the key lives", () => {
    const threeDays = iso(NOW + 3 * DAY * 1000);
    expect(keyExposure({ limit: 5, usageLimitType: "daily", expiresAt: threeDays }, DAY, NOW)).toBe(10); // one reset in a day
    expect(keyExposure({ limit: 5, usageLimitType: "daily", expiresAt: threeDays }, 30 * DAY, NOW)).toBe(20); // life ends first: 3 resets
    expect(keyExposure({ limit: 5, usageLimitType: "daily", expiresAt: iso(NOW + 3600_000) }, 30 * DAY, NOW)).toBe(10); // an hour may straddle midnight
    expect(keyExposure({ limit: 5, usageLimitType: "weekly", expiresAt: iso(NOW + 7 * DAY * 1000) }, 7 * DAY, NOW)).toBe(10);
    expect(keyExposure({ limit: 5, usageLimitType: "monthly", expiresAt: new Date(NOW + 30 * DAY * 1000) }, 30 * DAY, NOW)).toBe(15); // 30 days > 28
    expect(keyExposure({ limit: 5, usageLimitType: "daily", expiresAt: iso(NOW + 3 * DAY * 1000) }, Infinity, NOW)).toBe(20); // its whole life
  });

  it("is Infinity without a limit, or for a resetting key that never expires over an endless window; 0 for a zero limit", () => {
    expect(keyExposure({}, DAY, NOW)).toBe(Infinity);
    expect(keyExposure({ limit: 5, usageLimitType: "daily", expiresAt: null }, Infinity, NOW)).toBe(Infinity);
    expect(keyExposure({ limit: 5, usageLimitType: "daily", expiresAt: null }, 2 * DAY, NOW)).toBe(15);
    expect(keyExposure({ limit: 0, usageLimitType: "daily", expiresAt: null }, Infinity, NOW)).toBe(0);
  });

  it("never under-counts calendar resets in UTC (midnight, Mondays, the 1st of each month) wherever the window starts", () => {
    // Against the real calendar, over two years of start times: resets in (from, to].
    const DAY_MS = DAY * 1000;
    const MONDAY = Date.UTC(1970, 0, 5); // the epoch's first Monday
    const boundaries = {
      daily: (from: number, to: number) => Math.floor(to / DAY_MS) - Math.floor(from / DAY_MS),
      weekly: (from: number, to: number) => Math.floor((to - MONDAY) / (7 * DAY_MS)) - Math.floor((from - MONDAY) / (7 * DAY_MS)),
      monthly: (from: number, to: number) => {
        let count = 0;
        const start = new Date(from);
        for (let month = start.getUTCMonth() + 1; ; month++) {
          const first = Date.UTC(start.getUTCFullYear(), month, 1);
          if (first > to) return count;
          if (first > from) count++;
        }
      },
    };
    // One assertion over every case (an expect per case made this test take seconds).
    let checked = 0;
    const undercounted: string[] = [];
    for (const type of ["daily", "weekly", "monthly"] as const) {
      for (const spanDays of [0.5, 1, 7, 28, 31, 90]) {
        for (let start = Date.UTC(2027, 0, 1); start < Date.UTC(2029, 0, 1); start += 5 * 3600_000 + 1234) {
          const end = start + spanDays * DAY * 1000;
          const periods = 1 + boundaries[type](start, end);
          const exposure = keyExposure({ limit: 1, usageLimitType: type, expiresAt: iso(end) }, spanDays * DAY, start);
          if (!(exposure >= periods)) undercounted.push(`${type}, ${spanDays} days from ${iso(start)}: ${exposure} < ${periods}`);
          checked++;
        }
      }
    }
    expect(undercounted.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(10_000);
    expect(SHORTEST_PERIOD_SECONDS).toEqual({ daily: DAY, weekly: 7 * DAY, monthly: 28 * DAY });
  });
});

const sharedMemoryStore = createMemoryQuotaStore();
quotaStoreContract("createMemoryQuotaStore", () => sharedMemoryStore);

describe("createMemoryQuotaStore", () => {
  const counter = (extra: Partial<QuotaCounter> = {}): QuotaCounter => ({ name: "subject:a", windowSeconds: 60, maxKeys: 2, exposure: 1, ...extra });
  const take = (id: string, counters: QuotaCounter[]) => ({ id, counters });

  it("takes up to maxKeys in the window, then says when the oldest mint leaves it", async () => {
    let now = 1_000_000;
    const store = createMemoryQuotaStore({ now: () => now });
    expect(await store.take(take("1", [counter()]))).toEqual({ ok: true });
    now += 10_000;
    expect(await store.take(take("2", [counter()]))).toEqual({ ok: true });
    now += 5_000;
    expect(await store.take(take("3", [counter()]))).toEqual({ ok: false, counter: 0, retryAfterSeconds: 45 });
    now += 44_999;
    expect(await store.take(take("3", [counter()]))).toEqual({ ok: false, counter: 0, retryAfterSeconds: 1 });
    now += 1; // the first mint is exactly windowSeconds old: out of the window
    expect(await store.take(take("3", [counter()]))).toEqual({ ok: true });
  });

  it("sums exposure within maxExposure (rounding included) and waits for enough of it to leave", async () => {
    let now = 0;
    const store = createMemoryQuotaStore({ now: () => now });
    const c = (exposure: number) => counter({ maxKeys: undefined, maxExposure: 0.3, exposure });
    expect(await store.take(take("1", [c(0.1)]))).toEqual({ ok: true });
    now += 1000;
    expect(await store.take(take("2", [c(0.2)]))).toEqual({ ok: true }); // 0.1 + 0.2 > 0.3 in doubles
    now += 1000;
    // 0.25 more needs both older mints gone: the second leaves at 61 s.
    expect(await store.take(take("3", [c(0.25)]))).toEqual({ ok: false, counter: 0, retryAfterSeconds: 59 });
    // Over the limit on its own: it never fits, wait the whole window.
    expect(await store.take(take("4", [c(0.31)]))).toEqual({ ok: false, counter: 0, retryAfterSeconds: 60 });
  });

  it("takes from every counter or from none, and names the one that is full", async () => {
    const store = createMemoryQuotaStore();
    const global = counter({ name: "global", maxKeys: 1 });
    expect(await store.take(take("1", [counter({ name: "subject:b" }), global]))).toEqual({ ok: true });
    expect(await store.take(take("2", [counter({ name: "subject:c" }), global]))).toMatchObject({ ok: false, counter: 1 });
    expect(store.size()).toBe(2); // subject:c took nothing
    expect(await store.take(take("3", [counter({ name: "subject:c", maxKeys: 0 })]))).toEqual({ ok: false, counter: 0, retryAfterSeconds: 60 });
  });

  it("gives back a take (and ignores one it does not know)", async () => {
    const store = createMemoryQuotaStore();
    const t = take("1", [counter({ maxKeys: 1 })]);
    expect(await store.take(t)).toEqual({ ok: true });
    expect(await store.take(take("2", [counter({ maxKeys: 1 })]))).toMatchObject({ ok: false });
    await store.giveBack(t);
    await store.giveBack(take("unknown", [counter({ name: "nobody" })]));
    expect(store.size()).toBe(0);
    expect(await store.take(take("2", [counter({ maxKeys: 1 })]))).toEqual({ ok: true });
  });

  it("exposure that left the window no longer counts: the sum goes down as mints leave", async () => {
    let now = 0;
    const store = createMemoryQuotaStore({ now: () => now });
    const c = (exposure: number) => counter({ maxKeys: undefined, maxExposure: 1, exposure });
    expect(await store.take(take("1", [c(0.6)]))).toEqual({ ok: true });
    now += 60_000; // the first left
    expect(await store.take(take("2", [c(0.6)]))).toEqual({ ok: true });
    now += 30_000;
    // 0.6 is in the window: 0.4 more fits, 0.5 does not (until the second leaves, 30 s from now).
    expect(await store.take(take("3", [c(0.4)]))).toEqual({ ok: true });
    expect(await store.take(take("4", [c(0.1)]))).toEqual({ ok: false, counter: 0, retryAfterSeconds: 30 });
  });

  it("waits for as many of the oldest mints to leave as it needs, not more", async () => {
    let now = 0;
    const store = createMemoryQuotaStore({ now: () => now });
    const c = counter({ maxKeys: 3 });
    for (const id of ["1", "2", "3"]) {
      expect(await store.take(take(id, [c]))).toEqual({ ok: true });
      now += 10_000;
    }
    // Full: the oldest (taken at 0) leaves at 60 s, 30 s from now.
    expect(await store.take(take("4", [c]))).toEqual({ ok: false, counter: 0, retryAfterSeconds: 30 });
    // With 2 keys allowed, two of the three must leave: the second oldest leaves at 70 s.
    expect(await store.take(take("5", [counter({ maxKeys: 2 })]))).toEqual({ ok: false, counter: 0, retryAfterSeconds: 40 });
  });

  it("a counter whose rule changed counts over its new window", async () => {
    let now = 0;
    const store = createMemoryQuotaStore({ now: () => now });
    expect(await store.take(take("1", [counter({ windowSeconds: 60, maxKeys: 1 })]))).toEqual({ ok: true });
    now += 20_000;
    // The same counter, now with a 10 s window: the mint taken 20 s ago is out of it.
    expect(await store.take(take("2", [counter({ windowSeconds: 10, maxKeys: 1 })]))).toEqual({ ok: true });
    expect(store.size()).toBe(1);
  });

  it("a mint taken while the clock stepped back is still counted in age order", async () => {
    let now = 100_000;
    const store = createMemoryQuotaStore({ now: () => now });
    expect(await store.take(take("late", [counter({ maxKeys: 2 })]))).toEqual({ ok: true });
    now = 50_000;
    expect(await store.take(take("early", [counter({ maxKeys: 2 })]))).toEqual({ ok: true });
    now = 100_000;
    // The mint at 50 s leaves first, at 110 s.
    expect(await store.take(take("next", [counter({ maxKeys: 2 })]))).toEqual({ ok: false, counter: 0, retryAfterSeconds: 10 });
  });

  it("giving back one of several mints frees exactly its share; the counter stays for the others", async () => {
    const store = createMemoryQuotaStore();
    const c = counter({ maxKeys: undefined, maxExposure: 1, exposure: 0.5 });
    const first = take("1", [c]);
    expect(await store.take(first)).toEqual({ ok: true });
    expect(await store.take(take("2", [c]))).toEqual({ ok: true });
    await store.giveBack(first);
    await store.giveBack(first); // twice: the second knows it no more
    expect(store.size()).toBe(1);
    expect(await store.take(take("3", [c]))).toEqual({ ok: true });
    expect(await store.take(take("4", [c]))).toMatchObject({ ok: false });
  });

  it("is atomic: 50 concurrent takes under maxKeys 3 grant exactly 3", async () => {
    const store = createMemoryQuotaStore();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.take(take(String(i), [counter({ maxKeys: 3 })]))));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
  });

  it("holds only mints still inside their window: old ones and idle counters are pruned", async () => {
    let now = 0;
    const store = createMemoryQuotaStore({ now: () => now });
    for (let i = 0; i < 2_000; i++) await store.take(take(String(i), [counter({ name: `subject:${i}`, windowSeconds: 1 })]));
    expect(store.size()).toBe(2_000);
    now += 1_000;
    // Takes on one busy counter sweep the 2,000 idle ones along the way.
    for (let i = 0; i < 2_100; i++) await store.take(take(`busy${i}`, [counter({ name: "subject:busy", windowSeconds: 1, maxKeys: undefined, maxExposure: 1e9 })]));
    expect(store.size()).toBeLessThanOrEqual(2_100);
    expect(store.size()).toBeGreaterThan(0);
    now += 1_000;
    await store.take(take("last", [counter({ name: "subject:busy", windowSeconds: 1 })]));
    expect(store.size()).toBe(1);
  });
});

// ------------------------------------------------------------------ the handler with a quota

let emulator: RunningOpenRouterEmulator;
beforeAll(async () => {
  emulator = await startOpenRouterEmulator({ apiKeys: [APP_KEY] });
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

function quotaHandler(quota: MintQuota, options: Partial<MintHandlerOptions> = {}) {
  return createMintHandler({
    apiKey: APP_KEY,
    baseUrl: emulator.apiBaseUrl,
    authorize: (request) => ({ subject: request.headers.get("x-user") ?? "alice" }),
    policy: { maxLimit: 5, maxLifetimeSeconds: 30 * DAY, allowedOrigins: [APP] },
    quota,
    ...options,
  });
}

async function mintAs(handler: ReturnType<typeof quotaHandler>, user = "alice", extra: Record<string, unknown> = {}) {
  return call(handler, jsonRequest(await wireBody(extra), { headers: { "X-User": user } }));
}

describe("createMintHandler: quotas", () => {
  it("a take the store refuses names the counter it names, and its rule in the audit detail", async () => {
    const refused: RefusedEvent[] = [];
    const handler = quotaHandler(
      { perSubject: { windowSeconds: 60, maxKeys: 5, maxExposure: 50 }, global: { windowSeconds: 3600, maxKeys: 1 } },
      { onRefused: (e) => void refused.push(e) },
    );
    expect((await mintAs(handler)).status).toBe(200);
    const over = await mintAs(handler, "bob");
    expect(over.status).toBe(429);
    expect(over.json.error).toMatchObject({ code: "quota_exceeded", scope: "global", message: "This app is not creating more keys for now. Try again later." });
    expect(refused).toMatchObject([{ reason: "quota", detail: "global is over its quota (1 keys per 3600 s)" }]);
    const both = quotaHandler({ perSubject: { windowSeconds: 60, maxKeys: 0, maxExposure: 50 } }, { onRefused: (e) => void refused.push(e) });
    expect((await mintAs(both)).status).toBe(429);
    expect(refused.at(-1)?.detail).toBe("subject:alice is over its quota (0 keys, $50 exposure per 60 s)");
  });

  it("giving the quota back failing is told in the audit detail; the answer is OpenRouter's failure", async () => {
    const refused: RefusedEvent[] = [];
    const store = createMemoryQuotaStore();
    const handler = quotaHandler(
      { global: { windowSeconds: 60, maxKeys: 5 }, store: { take: (t) => store.take(t), giveBack: async () => Promise.reject(new Error("redis gone")) } },
      { onRefused: (e) => void refused.push(e) },
    );
    emulator.faults.failNext("code", { status: 500, message: "down" });
    expect((await mintAs(handler)).status).toBe(502);
    expect(refused[0]?.detail).toMatch(/; giving the quota back failed: Error: redis gone$/);
  });

  it("over a per-subject rule: 429, Retry-After and a quota_exceeded body naming the scope; other users go on", async () => {
    const refused: RefusedEvent[] = [];
    const handler = quotaHandler({ perSubject: { windowSeconds: 3600, maxKeys: 2 } }, { onRefused: (e) => void refused.push(e) });
    expect((await mintAs(handler)).status).toBe(200);
    expect((await mintAs(handler)).status).toBe(200);
    const over = await mintAs(handler);
    expect(over.status).toBe(429);
    expect(over.headers.get("content-type")).toMatch(/^application\/json/);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(3599);
    expect(Number(over.headers.get("retry-after"))).toBeLessThanOrEqual(3600);
    expect(over.json).toEqual({ error: { code: "quota_exceeded", status: 429, scope: "subject", message: "You have created too many keys for now. Try again later." } });
    expect(refused).toMatchObject([{ subject: "alice", status: 429, reason: "quota", detail: "subject:alice is over its quota (2 keys per 3600 s)" }]);
    expect((await mintAs(handler, "bob")).status).toBe(200);
    expect(emulator.codesIssued()).toHaveLength(3);
  });

  it("without a quota option the route is still bounded (DEFAULT_MINT_QUOTA): 10 keys a day per user, 100 an hour in all", async () => {
    expect(DEFAULT_MINT_QUOTA).toEqual({ perSubject: { windowSeconds: 86_400, maxKeys: 10 }, global: { windowSeconds: 3_600, maxKeys: 100 } });
    const withoutQuota = (authorize: MintHandlerOptions["authorize"]) =>
      createMintHandler({ apiKey: APP_KEY, baseUrl: emulator.apiBaseUrl, authorize, policy: { maxLimit: 5, maxLifetimeSeconds: DAY, allowedOrigins: [APP] } });
    const perUser = withoutQuota((request) => ({ subject: request.headers.get("x-user") ?? "alice" }));
    for (let i = 0; i < 10; i++) expect((await mintAs(perUser)).status).toBe(200);
    const eleventh = await mintAs(perUser);
    expect(eleventh.status).toBe(429);
    expect(eleventh.json.error).toMatchObject({ code: "quota_exceeded", scope: "subject" });
    expect((await mintAs(perUser, "bob")).status).toBe(200);

    // An authorize that names no user: the per-user bound can't apply, the app-wide one does.
    emulator.reset();
    const anyone = withoutQuota(() => true);
    const answers = [];
    for (let i = 0; i < 101; i++) answers.push((await mintAs(anyone)).status);
    expect(answers.filter((status) => status === 200)).toHaveLength(100);
    expect(answers.at(-1)).toBe(429);
    expect(emulator.codesIssued()).toHaveLength(100);
  });

  it("a global maxKeys: 0 is the kill switch: every mint refused, scope global", async () => {
    const handler = quotaHandler({ global: { windowSeconds: 60, maxKeys: 0 } });
    for (const user of ["alice", "bob"]) {
      const answer = await mintAs(handler, user);
      expect(answer.status).toBe(429);
      expect(answer.json.error).toMatchObject({ code: "quota_exceeded", scope: "global" });
      expect(answer.headers.get("retry-after")).toBe("60");
    }
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("counts exposure in dollars: a $5 daily key counts $10 in a day window", async () => {
    const handler = quotaHandler({ perSubject: { windowSeconds: DAY, maxExposure: 25 } });
    expect((await mintAs(handler, "alice", { usage_limit_type: "daily" })).status).toBe(200); // 10
    expect((await mintAs(handler, "alice", { usage_limit_type: "daily" })).status).toBe(200); // 20
    const third = await mintAs(handler, "alice", { usage_limit_type: "daily" });
    expect(third.status).toBe(429); // 30 > 25
    expect((await mintAs(handler, "alice", { limit: 5 })).status).toBe(200); // no reset: 5 more, 25
    expect((await mintAs(handler, "alice", { limit: 0.01 })).status).toBe(429);
    expect(emulator.codesIssued()).toHaveLength(3);
  });

  it("a per-subject rule with an authorize that names no subject is a configuration error: 500, reported", async () => {
    const refused: RefusedEvent[] = [];
    const handler = quotaHandler({ perSubject: { windowSeconds: 60, maxKeys: 5 } }, { authorize: () => true, onRefused: (e) => void refused.push(e) });
    expectError(await mintAs(handler), 500, "Internal server error.");
    expect(refused).toMatchObject([{ status: 500, reason: "config", subject: undefined, detail: expect.stringContaining("perSubject") }]);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("gives the quota back when OpenRouter fails", async () => {
    const handler = quotaHandler({ perSubject: { windowSeconds: 60, maxKeys: 1 } });
    emulator.faults.failNext("code", { status: 500 });
    expect((await mintAs(handler)).status).toBe(502);
    emulator.faults.dropNext("code");
    expect((await mintAs(handler)).status).toBe(502);
    expect((await mintAs(handler)).status).toBe(200);
    expect((await mintAs(handler)).status).toBe(429);
  });

  it("gives the quota back when the client goes away during the call", async () => {
    const store = createMemoryQuotaStore();
    const handler = quotaHandler({ perSubject: { windowSeconds: 60, maxKeys: 1 }, store });
    emulator.faults.delay("code", 5_000);
    const client = new AbortController();
    const request = new Request("https://app.example/api/mint", {
      method: "POST",
      headers: { Origin: APP, "Content-Type": "application/json" },
      body: JSON.stringify(await wireBody()),
      signal: client.signal,
    });
    const answering = handler(request);
    await vi.waitFor(() => expect(store.size()).toBe(1));
    client.abort();
    await answering;
    expect(store.size()).toBe(0);
    emulator.faults.delay("code", 0);
    expect((await mintAs(handler)).status).toBe(200);
  });

  it("is atomic: 50 concurrent requests from one user under maxKeys 3 mint exactly 3 keys", async () => {
    const handler = quotaHandler({ perSubject: { windowSeconds: 3600, maxKeys: 3 } });
    const bodies = await Promise.all(Array.from({ length: 50 }, () => wireBody()));
    const answers = await Promise.all(bodies.map((body) => call(handler, jsonRequest(body, { headers: { "X-User": "alice" } }))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(47);
    expect(emulator.codesIssued()).toHaveLength(3);
  });

  it("fails closed when the store fails: 503, nothing minted", async () => {
    const broken: QuotaStore = { take: () => Promise.reject(new Error("ECONNREFUSED 127.0.0.1:6379")), giveBack: async () => {} };
    const refused: RefusedEvent[] = [];
    const handler = quotaHandler({ global: { windowSeconds: 60, maxKeys: 10 }, store: broken }, { onRefused: (e) => void refused.push(e) });
    expectError(await mintAs(handler), 503, "Minting is unavailable right now. Try again later.");
    expect(refused).toMatchObject([{ reason: "quota", detail: expect.stringContaining("ECONNREFUSED") }]);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("refuses a malformed quota at construction", () => {
    const bad: [unknown, string][] = [
      [{}, "quota"],
      [{ global: { windowSeconds: 0, maxKeys: 1 } }, "quota.global.windowSeconds"],
      [{ global: { windowSeconds: 1.5, maxKeys: 1 } }, "quota.global.windowSeconds"],
      [{ global: { windowSeconds: 367 * DAY, maxKeys: 1 } }, "quota.global.windowSeconds"],
      [{ global: { windowSeconds: 60 } }, "quota.global"],
      [{ global: { windowSeconds: 60, maxKeys: -1 } }, "quota.global.maxKeys"],
      [{ global: { windowSeconds: 60, maxKeys: 2.5 } }, "quota.global.maxKeys"],
      [{ perSubject: { windowSeconds: 60, maxExposure: Number.NaN } }, "quota.perSubject.maxExposure"],
      [{ perSubject: { windowSeconds: 60, maxExposure: -1 } }, "quota.perSubject.maxExposure"],
      [{ perSubject: { windowSeconds: 60, maxKeys: 1, maxKey: 2 } }, "quota.perSubject.maxKey"],
      [{ global: { windowSeconds: 60, maxKeys: 1 }, store: { take() {} } }, "quota.store"],
      [{ global: { windowSeconds: 60, maxKeys: 1 }, perUser: {} }, "quota.perUser"],
      [[], "quota"],
      [null, "quota"],
      ["10 a day", "quota"],
      [{ global: null }, "quota.global"],
      [{ global: [60, 1] }, "quota.global"],
      [{ global: "60" }, "quota.global"],
      [{ global: { windowSeconds: "60", maxKeys: 1 } }, "quota.global.windowSeconds"],
      [{ global: { windowSeconds: 366 * DAY + 1, maxKeys: 1 } }, "quota.global.windowSeconds"],
      [{ global: { windowSeconds: 60, maxKeys: "1" } }, "quota.global.maxKeys"],
      [{ global: { windowSeconds: 60, maxExposure: "5" } }, "quota.global.maxExposure"],
      [{ global: { windowSeconds: 60, maxKeys: 1 }, store: null }, "quota.store"],
      [{ global: { windowSeconds: 60, maxKeys: 1 }, store: "redis" }, "quota.store"],
      [{ global: { windowSeconds: 60, maxKeys: 1 }, store: { giveBack() {} } }, "quota.store"],
    ];
    // The bounds themselves are fine: a 1 s window, a year and a day, no keys at all, $0.
    for (const quota of [
      { global: { windowSeconds: 1, maxKeys: 0 } },
      { global: { windowSeconds: 366 * DAY, maxExposure: 0 } },
      { perSubject: { windowSeconds: 60, maxKeys: 1 }, store: createMemoryQuotaStore() },
    ]) {
      expect(() => quotaHandler(quota), JSON.stringify(quota)).not.toThrow();
    }
    for (const [quota, path] of bad) {
      let thrown: unknown;
      try {
        quotaHandler(quota as MintQuota);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(quota)).toBeInstanceOf(OpenRouterAuthError);
      expect((thrown as OpenRouterAuthError).issues?.[0]?.path.join("."), JSON.stringify(quota)).toBe(path);
    }
  });
});
