// openrouter-connect/server/redis: the mint route's quota counters on Redis, shared by every
// instance of the app. One Lua script takes a mint from all counters at once or from none, so
// concurrent requests on any number of instances can never go over a quota. Imports no Redis
// client: the app passes its own connected node-redis client (an optional peer dependency).
import { optionError } from "./http.js";
import { toExposureLimitUnits, toExposureUnits, toRetryAfterSeconds, type QuotaStore, type QuotaTake } from "./quota.js";

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

// The rules of QuotaStore and of the memory store's waitForRoom (./quota.ts), in Lua. Time is
// Redis's own clock, so instances with skewed clocks still agree on every window. A take costs
// O(1) plus the mints it forgets: each counter keeps the sum of its exposures beside its mints.
// KEYS[2i-1], KEYS[2i]: counter i's mints (a sorted set: member "<take id> <micro-dollars>",
// score = when it was taken, ms) and their exposure's sum (an integer, micro-dollars).
// ARGV[1]: the take's id; then four per counter: window (ms), most keys (-1: none), most
// exposure (micro-dollars, -1: none), this mint's exposure (micro-dollars).
// Returns {0, 0} when taken, else {i, ms until counter i has room}.
const TAKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function unitsOf(member) return tonumber(string.match(member, ' (%d+)$')) end
for i = 1, #KEYS / 2 do
  local set, sum, at = KEYS[2 * i - 1], KEYS[2 * i], 1 + (i - 1) * 4
  local window, maxKeys, maxUnits, units = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4])
  local gone = redis.call('ZRANGEBYSCORE', set, '-inf', now - window)
  if #gone > 0 then
    local left = 0
    for _, member in ipairs(gone) do left = left + unitsOf(member) end
    redis.call('ZREMRANGEBYSCORE', set, '-inf', now - window)
    redis.call('DECRBY', sum, left)
  end
  local count = redis.call('ZCARD', set)
  if count == 0 then redis.call('DEL', sum) end
  local total = tonumber(redis.call('GET', sum) or '0')
  local function fits(c, s) return (maxKeys < 0 or c + 1 <= maxKeys) and (maxUnits < 0 or s + units <= maxUnits) end
  if not fits(count, total) then
    -- Oldest first, 100 at a time, until enough of them have left the window.
    local from = 0
    while true do
      local batch = redis.call('ZRANGE', set, from, from + 99, 'WITHSCORES')
      if #batch == 0 then return {i, window} end
      for j = 1, #batch, 2 do
        count, total = count - 1, total - unitsOf(batch[j])
        if fits(count, total) then return {i, math.max(0, tonumber(batch[j + 1]) + window - now)} end
      end
      from = from + 100
    end
  end
end
for i = 1, #KEYS / 2 do
  local set, sum, at = KEYS[2 * i - 1], KEYS[2 * i], 1 + (i - 1) * 4
  redis.call('ZADD', set, now, ARGV[1] .. ' ' .. ARGV[at + 4])
  redis.call('INCRBY', sum, ARGV[at + 4])
  redis.call('PEXPIRE', set, ARGV[at + 1])
  redis.call('PEXPIRE', sum, ARGV[at + 1])
end
return {0, 0}
`;

// KEYS as above; ARGV[1]: the take's id, ARGV[i + 1]: its exposure on counter i (micro-dollars).
const GIVE_BACK = `
for i = 1, #KEYS / 2 do
  local set, sum = KEYS[2 * i - 1], KEYS[2 * i]
  if redis.call('ZREM', set, ARGV[1] .. ' ' .. ARGV[i + 1]) == 1 then
    redis.call('DECRBY', sum, ARGV[i + 1])
    if redis.call('ZCARD', set) == 0 then redis.call('DEL', set, sum) end
  end
end
return 0
`;

/**
 * A `QuotaStore` on Redis for apps running several instances: `quota: { store:
 * createRedisQuotaStore(redis), perSubject: …, global: … }`. Each counter is a sorted set of its
 * mints (`<prefix>mints:<counter name>`) and their exposure's sum (`<prefix>units:<counter name>`),
 * both expiring with the window. Redis errors reject, and the mint route
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

  const keysOf = (take: QuotaTake) => take.counters.flatMap((counter) => [`${prefix}mints:${counter.name}`, `${prefix}units:${counter.name}`]);

  return {
    async take(take) {
      const args = [take.id];
      for (const c of take.counters) {
        args.push(
          String(c.windowSeconds * 1000),
          String(c.maxKeys ?? -1),
          String(c.maxExposure === undefined ? -1 : toExposureLimitUnits(c.maxExposure)),
          String(toExposureUnits(c.exposure)),
        );
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
      await run(GIVE_BACK, keysOf(take), [take.id, ...take.counters.map((c) => String(toExposureUnits(c.exposure)))]);
    },
  };
}

export type { QuotaStore, QuotaTake, QuotaTakeResult, QuotaCounter } from "./quota.js";
