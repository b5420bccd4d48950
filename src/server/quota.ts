// Quotas of the mint route: how many keys, and how many dollars of exposure, a user (and the
// whole app) may mint in a sliding window. The handler works out each key's exposure and asks a
// `QuotaStore` to take it atomically from every counter at once; the store here keeps counters in
// memory (one process), `./redis.ts` on Redis (many). No node: import (edge runtimes).
import type { UsageLimitType } from "../core/rules.js";
import type { CreateAuthKeysCodeRequest } from "../core/schemas.js";
import { optionError } from "./http.js";

/** A limit over a sliding window: at most `maxKeys` mints, and at most `maxExposure` USD of exposure. */
export interface QuotaRule {
  /** The window's length in seconds (1 s to 366 days). A mint counts for this long after it was taken. */
  windowSeconds: number;
  /** Most keys minted in any window. A global `maxKeys: 0` refuses every mint (the kill switch). */
  maxKeys?: number;
  /**
   * Most USD the keys minted in any window can spend within it: the sum of their exposures (see
   * `keyExposure`). A request whose key could spend without bound is refused when this applies.
   */
  maxExposure?: number;
}

/** `createMintHandler`'s `quota` option. */
export interface MintQuota {
  /** Per user: needs an `authorize` that returns `{ subject }` (a request without one answers 500). */
  perSubject?: QuotaRule;
  /** For the whole app, every user together. */
  global?: QuotaRule;
  /** Where the counters live; default `createMemoryQuotaStore()` (one process). */
  store?: QuotaStore;
}

/** One counter a mint is taken from, with the rule it must stay within. */
export interface QuotaCounter {
  /** Names the counter, the same on every instance: `"global"` or `"subject:" + subject`. */
  name: string;
  windowSeconds: number;
  maxKeys?: number;
  maxExposure?: number;
  /** What this mint adds to the counter's exposure, in USD (finite, not negative). */
  exposure: number;
}

/** One mint's claim on its counters. `id` is unique; `giveBack` gets the very same object. */
export interface QuotaTake {
  id: string;
  counters: readonly QuotaCounter[];
}

export type QuotaTakeResult =
  | { ok: true }
  /** `counter` is the index in `take.counters` that would go over; `retryAfterSeconds` when it frees up (at least 1). */
  | { ok: false; counter: number; retryAfterSeconds: number };

/**
 * Counters shared by every instance of the mint route. Both calls must be atomic: `take` adds the
 * mint to all of `take.counters` only if each of them, after forgetting mints older than its
 * window, stays within its `maxKeys` and `maxExposure`; otherwise it changes nothing and names the
 * first counter that would go over. `giveBack` removes a take that was granted (the call to
 * OpenRouter failed), and does nothing for one it does not know.
 */
export interface QuotaStore {
  take(take: QuotaTake): Promise<QuotaTakeResult>;
  giveBack(take: QuotaTake): Promise<void>;
}

const MAX_WINDOW_SECONDS = 366 * 86_400;

/**
 * Stores add exposures up in whole micro-dollars, exactly (doubles hold integers exactly up to
 * 2^53, about $9 billion): no sum of doubles drifts, and 0.1 + 0.2 fits under 0.3. A mint's share
 * is rounded up and a limit down, beyond the noise of the decimal-to-double conversion.
 */
export const toExposureUnits = (usd: number): number => Math.max(0, Math.ceil(usd * 1e6 - 1e-6));
export const toExposureLimitUnits = (usd: number): number => Math.floor(usd * 1e6 + 1e-6);

/**
 * The shortest time between two resets of a key's limit. OpenRouter documents, for the keys its
 * provisioning API creates, that limits reset at midnight UTC and that weeks run Monday to
 * Sunday; the auth-code endpoint's `usage_limit_type` says nothing, so we assume calendar periods
 * in UTC without relying on where they start: a reset comes at least a day, a week or 28 days
 * (the shortest month) after the previous one. Resets counted from the key's creation fit the
 * same bound. Too many periods would only over-estimate exposure, which is safe.
 */
export const SHORTEST_PERIOD_SECONDS: Readonly<Record<UsageLimitType, number>> = { daily: 86_400, weekly: 7 * 86_400, monthly: 28 * 86_400 };

/**
 * The most a key can spend in a window of `windowSeconds` (pass `Infinity` for its whole life):
 * its limit times the number of its limit periods that can begin inside the window while it lives
 * (`1 + ceil(min(window, lifetime) / shortest period)`; 1 without a reset). `Infinity` when it
 * has no limit, or resets forever in an endless window.
 */
export function keyExposure(key: Pick<CreateAuthKeysCodeRequest, "limit" | "usageLimitType" | "expiresAt">, windowSeconds: number, now: number): number {
  if (key.limit === undefined) return Infinity;
  if (key.limit === 0 || key.usageLimitType === undefined) return key.limit;
  const expires = key.expiresAt === undefined || key.expiresAt === null ? Infinity : key.expiresAt instanceof Date ? key.expiresAt.getTime() : Date.parse(key.expiresAt);
  const span = Math.min(windowSeconds, Math.max(0, (expires - now) / 1000));
  if (!Number.isFinite(span)) return Infinity;
  return key.limit * (1 + Math.ceil(span / SHORTEST_PERIOD_SECONDS[key.usageLimitType]));
}

export interface NormalizedQuota {
  perSubject: QuotaRule | undefined;
  global: QuotaRule | undefined;
  store: QuotaStore;
  /** The app asked for `perSubject` itself: a request without a subject is then its bug (500). */
  subjectRequired: boolean;
}

/**
 * The quota of a mint route whose `quota` option is left out: a route that spends the app's
 * money is never unbounded. Each user (when `authorize` returns `{ subject }`) may mint 10 keys
 * a day; the whole app 100 keys an hour. Set `quota` to choose your own bounds.
 */
export const DEFAULT_MINT_QUOTA: Readonly<{ perSubject: Readonly<QuotaRule>; global: Readonly<QuotaRule> }> = Object.freeze({
  perSubject: Object.freeze({ windowSeconds: 86_400, maxKeys: 10 }),
  global: Object.freeze({ windowSeconds: 3_600, maxKeys: 100 }),
});

const OWNER = "createMintHandler";
const RULE_KEYS = new Set(["windowSeconds", "maxKeys", "maxExposure"]);
const QUOTA_KEYS = new Set(["perSubject", "global", "store"]);

function normalizeRule(value: unknown, name: string): QuotaRule | undefined {
  if (value === undefined) return undefined;
  const path = ["quota", name];
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw optionError(OWNER, path, "must be an object { windowSeconds, maxKeys?, maxExposure? }");
  const rule = value as Record<string, unknown>;
  for (const key of Object.keys(rule)) if (!RULE_KEYS.has(key)) throw optionError(OWNER, [...path, key], "is not a quota rule option");
  const { windowSeconds, maxKeys, maxExposure } = rule;
  if (typeof windowSeconds !== "number" || !Number.isSafeInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) {
    throw optionError(OWNER, [...path, "windowSeconds"], `must be a whole number of seconds between 1 and ${MAX_WINDOW_SECONDS}`);
  }
  if (maxKeys !== undefined && (typeof maxKeys !== "number" || !Number.isSafeInteger(maxKeys) || maxKeys < 0)) {
    throw optionError(OWNER, [...path, "maxKeys"], "must be a whole number, at least 0");
  }
  if (maxExposure !== undefined && (typeof maxExposure !== "number" || !Number.isFinite(maxExposure) || maxExposure < 0)) {
    throw optionError(OWNER, [...path, "maxExposure"], "must be a finite number of USD, at least 0");
  }
  if (maxKeys === undefined && maxExposure === undefined) throw optionError(OWNER, path, "must set maxKeys, maxExposure or both");
  return { windowSeconds, ...(maxKeys !== undefined && { maxKeys }), ...(maxExposure !== undefined && { maxExposure }) } as QuotaRule;
}

/** Checks `quota` once, at construction; throws `invalid_request` naming the option. */
export function normalizeQuota(value: unknown): NormalizedQuota {
  if (value === undefined) return { ...DEFAULT_MINT_QUOTA, store: createMemoryQuotaStore(), subjectRequired: false };
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw optionError(OWNER, ["quota"], "must be an object { perSubject?, global?, store? }");
  const quota = value as Record<string, unknown>;
  for (const key of Object.keys(quota)) if (!QUOTA_KEYS.has(key)) throw optionError(OWNER, ["quota", key], "is not a quota option");
  const perSubject = normalizeRule(quota.perSubject, "perSubject");
  const global = normalizeRule(quota.global, "global");
  if (!perSubject && !global) throw optionError(OWNER, ["quota"], "must set perSubject, global or both");
  const store = quota.store as QuotaStore | undefined;
  if (store !== undefined && (typeof store !== "object" || store === null || typeof store.take !== "function" || typeof store.giveBack !== "function")) {
    throw optionError(OWNER, ["quota", "store"], "must be a QuotaStore { take, giveBack }");
  }
  return { perSubject, global, store: store ?? createMemoryQuotaStore(), subjectRequired: perSubject !== undefined };
}

/** A counted mint: when it was taken, its id and its exposure in micro-dollars. */
interface QuotaEntry {
  id: string;
  at: number;
  units: number;
}

/**
 * How long until `counter` takes one more mint, in ms, given the mints it counts now (`entries`,
 * oldest first, `units` their sum); `undefined` when it fits already. Mints leave in age order; a
 * mint that would not fit even in an empty window waits the whole window. The Redis store's
 * script does the same.
 */
function waitForRoom(counter: QuotaCounter, entries: readonly QuotaEntry[], units: number, now: number): number | undefined {
  const needed = toExposureUnits(counter.exposure);
  const limit = counter.maxExposure === undefined ? Infinity : toExposureLimitUnits(counter.maxExposure);
  const fits = (count: number, sum: number) => (counter.maxKeys === undefined || count + 1 <= counter.maxKeys) && sum + needed <= limit;
  if (fits(entries.length, units)) return undefined;
  for (let i = 0; i < entries.length; i++) {
    const leaving = entries[i] as QuotaEntry;
    units -= leaving.units;
    if (fits(entries.length - i - 1, units)) return Math.max(0, leaving.at + counter.windowSeconds * 1000 - now);
  }
  return counter.windowSeconds * 1000;
}

export const toRetryAfterSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

export interface MemoryQuotaStoreOptions {
  /** The clock, in ms since the epoch; default `Date.now`. */
  now?: () => number;
}

export interface MemoryQuotaStore extends QuotaStore {
  /** How many mints the store holds now, over all counters (monitoring, tests). */
  size(): number;
}

/**
 * Counters in this process's memory: right for one instance (a second instance counts on its
 * own; use `createRedisQuotaStore` from `openrouter-connect/server/redis` for many). Atomic,
 * since a take runs to its end without awaiting. Memory holds only mints still inside their
 * window: each take prunes its counters, and every so often all counters are swept.
 */
export function createMemoryQuotaStore(options: MemoryQuotaStoreOptions = {}): MemoryQuotaStore {
  const now = options.now ?? Date.now;
  /** Per counter: its mints oldest first, and their exposure's sum. */
  const counters = new Map<string, { windowMs: number; entries: QuotaEntry[]; units: number }>();
  let takesSinceSweep = 0;

  /** Forgets the mints that left the window; an empty counter goes altogether. */
  const prune = (name: string, at: number) => {
    const counter = counters.get(name);
    if (!counter) return;
    let gone = 0;
    while (gone < counter.entries.length && (counter.entries[gone] as QuotaEntry).at <= at - counter.windowMs) counter.units -= (counter.entries[gone++] as QuotaEntry).units;
    if (gone) counter.entries.splice(0, gone);
    if (!counter.entries.length) counters.delete(name);
  };

  return {
    async take(take) {
      const at = now();
      // Amortized: a sweep of every counter at most once per as many takes as there are counters.
      if (++takesSinceSweep >= Math.max(1000, counters.size)) {
        takesSinceSweep = 0;
        for (const name of [...counters.keys()]) prune(name, at);
      }
      // From here to the end nothing awaits: no other take can run in between.
      for (const [index, counter] of take.counters.entries()) {
        const existing = counters.get(counter.name);
        if (existing) existing.windowMs = counter.windowSeconds * 1000;
        prune(counter.name, at);
        const current = counters.get(counter.name);
        const wait = waitForRoom(counter, current?.entries ?? [], current?.units ?? 0, at);
        if (wait !== undefined) return { ok: false, counter: index, retryAfterSeconds: toRetryAfterSeconds(wait) };
      }
      for (const counter of take.counters) {
        const existing = counters.get(counter.name) ?? { windowMs: counter.windowSeconds * 1000, entries: [], units: 0 };
        const entry = { id: take.id, at, units: toExposureUnits(counter.exposure) };
        // Oldest first, even if the clock stepped back.
        let position = existing.entries.length;
        while (position > 0 && (existing.entries[position - 1] as QuotaEntry).at > at) position--;
        existing.entries.splice(position, 0, entry);
        existing.units += entry.units;
        counters.set(counter.name, existing);
      }
      return { ok: true };
    },
    async giveBack(take) {
      for (const { name } of take.counters) {
        const counter = counters.get(name);
        const index = counter?.entries.findIndex((entry) => entry.id === take.id) ?? -1;
        if (!counter || index < 0) continue;
        counter.units -= (counter.entries[index] as QuotaEntry).units;
        counter.entries.splice(index, 1);
        if (!counter.entries.length) counters.delete(name);
      }
    },
    size() {
      let total = 0;
      for (const counter of counters.values()) total += counter.entries.length;
      return total;
    },
  };
}
