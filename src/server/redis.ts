// openrouter-connect/server/redis: the mint route's quota counters on Redis, shared by every
// instance of the app. One Lua script takes a mint from all counters at once or from none, so
// concurrent requests on any number of instances can never go over a quota. Imports no Redis
// client: the app passes its own connected node-redis client (an optional peer dependency).
import { optionError } from "./http.js";
import { toRetryAfterSeconds, type QuotaStore, type QuotaTake } from "./quota.js";

/**
 * The one method the store uses: node-redis's `client.sendCommand(["CMD", ...args])` (`createClient`
 * from `redis` 5 or 6, connected). Another client fits through a wrapper, e.g. ioredis:
 * `{ sendCommand: ([command, ...args]) => ioredis.call(command, ...args) }`.
 */
export interface RedisQuotaClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisQuotaStoreOptions {
  /** Prefix of the store's keys; default `"openrouter-connect:quota:"`. */
  prefix?: string;
}

// The rules of QuotaStore and waitForRoom (./quota.ts), in Lua. Time is Redis's own clock, so
// instances with skewed clocks still agree on every window.
// KEYS[i]: counter i, a sorted set: member "<take id> <exposure>", score = when it was taken (ms).
// ARGV[1]: the take's id; then four per counter: window (ms), most keys (-1: none), most exposure (-1: none), exposure.
// Returns {0, 0} when taken, else {i, ms until counter i has room}.
const TAKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function exposureOf(member) return tonumber(string.match(member, ' (.+)$')) end
for i = 1, #KEYS do
  local at = 1 + (i - 1) * 4
  local window, maxKeys, maxExposure, exposure = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local entries = redis.call('ZRANGE', KEYS[i], 0, -1, 'WITHSCORES')
  local count, sum = #entries / 2, 0
  if maxExposure >= 0 then
    for j = 1, #entries, 2 do sum = sum + exposureOf(entries[j]) end
  end
  local function fits(c, s)
    return (maxKeys < 0 or c + 1 <= maxKeys) and (maxExposure < 0 or s + exposure <= maxExposure + 1e-9)
  end
  if not fits(count, sum) then
    local wait = window
    for j = 1, #entries, 2 do
      count = count - 1
      if maxExposure >= 0 then sum = sum - exposureOf(entries[j]) end
      if fits(count, sum) then
        wait = math.max(0, tonumber(entries[j + 1]) + window - now)
        break
      end
    end
    return {i, wait}
  end
end
for i = 1, #KEYS do
  local at = 1 + (i - 1) * 4
  redis.call('ZADD', KEYS[i], now, ARGV[1] .. ' ' .. ARGV[at + 4])
  redis.call('PEXPIRE', KEYS[i], ARGV[at + 1])
end
return {0, 0}
`;

// KEYS[i]: counter i; ARGV[1]: the take's id, ARGV[i + 1]: its exposure on counter i.
const GIVE_BACK = `
for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1] .. ' ' .. ARGV[i + 1]) end
return 0
`;

/** What `take` tells Redis a counter's exposure is: the same text in the member `giveBack` removes. */
const exposureArg = (exposure: number): string => String(exposure);

/**
 * A `QuotaStore` on Redis for apps running several instances: `quota: { store:
 * createRedisQuotaStore(redis), perSubject: …, global: … }`. Each counter is one sorted set
 * (`<prefix><counter name>`) that expires with its window. Redis errors reject, and the mint route
 * then refuses (503): it never mints without counting. Needs Redis 5 or later (standalone or
 * behind Sentinel; the Lua script touches several keys, which Redis Cluster only allows in one slot).
 */
export function createRedisQuotaStore(client: RedisQuotaClient, options: RedisQuotaStoreOptions = {}): QuotaStore {
  if (!client || typeof client.sendCommand !== "function") {
    throw optionError("createRedisQuotaStore", ["client"], "must be a connected node-redis client (createClient from redis), or an object with sendCommand(args)");
  }
  const prefix = options.prefix ?? "openrouter-connect:quota:";
  if (typeof prefix !== "string" || prefix.length === 0 || prefix.length > 200) {
    throw optionError("createRedisQuotaStore", ["prefix"], "must be a string of 1-200 characters");
  }
  const loaded = new Map<string, Promise<string>>();

  /** EVALSHA, loading the script first, and again after Redis lost it (a restart, SCRIPT FLUSH). */
  async function run(script: string, keys: string[], args: string[]): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      let sha = loaded.get(script);
      if (!sha) {
        sha = client.sendCommand(["SCRIPT", "LOAD", script]).then(String);
        loaded.set(script, sha);
        sha.catch(() => loaded.delete(script));
      }
      try {
        return await client.sendCommand(["EVALSHA", await sha, String(keys.length), ...keys, ...args]);
      } catch (error) {
        if (attempt > 0 || !/NOSCRIPT/.test(String((error as Error)?.message))) throw error;
        loaded.delete(script);
      }
    }
  }

  const keysOf = (take: QuotaTake) => take.counters.map((counter) => prefix + counter.name);

  return {
    async take(take) {
      const args = [take.id];
      for (const c of take.counters) {
        args.push(String(c.windowSeconds * 1000), String(c.maxKeys ?? -1), String(c.maxExposure ?? -1), exposureArg(c.exposure));
      }
      const reply = (await run(TAKE, keysOf(take), args)) as unknown[];
      const counter = Number(reply?.[0]);
      const wait = Number(reply?.[1]);
      if (!Array.isArray(reply) || !Number.isInteger(counter) || counter < 0 || counter > take.counters.length || !Number.isFinite(wait)) {
        throw new Error("createRedisQuotaStore: Redis answered the quota script with an unexpected reply.");
      }
      return counter === 0 ? { ok: true } : { ok: false, counter: counter - 1, retryAfterSeconds: toRetryAfterSeconds(wait) };
    },
    async giveBack(take) {
      await run(GIVE_BACK, keysOf(take), [take.id, ...take.counters.map((c) => exposureArg(c.exposure))]);
    },
  };
}

export type { QuotaStore, QuotaTake, QuotaTakeResult, QuotaCounter } from "./quota.js";
