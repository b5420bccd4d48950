// What every QuotaStore must do, whatever keeps its counters: run against the memory store
// (quota.test.ts) and the Redis store (redis.test.ts). No clock is moved here: stores keep their
// own time (Redis uses its own clock), so only orders and bounds are checked.
import { describe, expect, it } from "vitest";
import type { QuotaCounter, QuotaStore, QuotaTake } from "../../src/server/index.js";

let sequence = 0;
/** Counter names unique to one test, so tests sharing a store never see each other's counters. */
export function uniqueName(label: string): string {
  return `${label}:${process.pid}:${++sequence}:${Math.random().toString(36).slice(2)}`;
}

const take = (counters: QuotaCounter[]): QuotaTake => ({ id: crypto.randomUUID(), counters });

export function quotaStoreContract(name: string, store: () => QuotaStore): void {
  describe(`${name}: the QuotaStore contract`, () => {
    it("takes up to maxKeys, then refuses naming the counter and when it frees up", async () => {
      const counter: QuotaCounter = { name: uniqueName("subject"), windowSeconds: 120, maxKeys: 2, exposure: 0 };
      expect(await store().take(take([counter]))).toEqual({ ok: true });
      expect(await store().take(take([counter]))).toEqual({ ok: true });
      const refused = await store().take(take([counter]));
      expect(refused).toMatchObject({ ok: false, counter: 0 });
      const wait = (refused as { retryAfterSeconds: number }).retryAfterSeconds;
      expect(wait).toBeGreaterThanOrEqual(118);
      expect(wait).toBeLessThanOrEqual(120);
    });

    it("sums exposure up to maxExposure, doubles' rounding included", async () => {
      const counter = (exposure: number): QuotaCounter => ({ name: "", windowSeconds: 60, maxExposure: 0.3, exposure });
      const name = uniqueName("exposure");
      expect(await store().take(take([{ ...counter(0.1), name }]))).toEqual({ ok: true });
      expect(await store().take(take([{ ...counter(0.2), name }]))).toEqual({ ok: true });
      expect(await store().take(take([{ ...counter(0.01), name }]))).toMatchObject({ ok: false, counter: 0 });
      expect(await store().take(take([{ ...counter(0), name }]))).toEqual({ ok: true });
    });

    it("takes from every counter or from none", async () => {
      const global: QuotaCounter = { name: uniqueName("global"), windowSeconds: 60, maxKeys: 1, exposure: 1 };
      const a: QuotaCounter = { name: uniqueName("subject"), windowSeconds: 60, maxKeys: 1, exposure: 1 };
      const b: QuotaCounter = { name: uniqueName("subject"), windowSeconds: 60, maxKeys: 1, exposure: 1 };
      expect(await store().take(take([a, global]))).toEqual({ ok: true });
      expect(await store().take(take([b, global]))).toMatchObject({ ok: false, counter: 1 });
      // b took nothing when the global counter refused.
      expect(await store().take(take([b]))).toEqual({ ok: true });
    });

    it("a mint that can never fit waits the whole window: maxKeys 0, or more exposure than allowed", async () => {
      expect(await store().take(take([{ name: uniqueName("kill"), windowSeconds: 90, maxKeys: 0, exposure: 0 }]))).toEqual({ ok: false, counter: 0, retryAfterSeconds: 90 });
      expect(await store().take(take([{ name: uniqueName("big"), windowSeconds: 90, maxExposure: 5, exposure: 5.5 }]))).toEqual({ ok: false, counter: 0, retryAfterSeconds: 90 });
    });

    it("gives back a granted take, and ignores one it does not know", async () => {
      const counter: QuotaCounter = { name: uniqueName("giveback"), windowSeconds: 60, maxKeys: 1, maxExposure: 10, exposure: 2.5 };
      const granted = take([counter]);
      expect(await store().take(granted)).toEqual({ ok: true });
      expect(await store().take(take([counter]))).toMatchObject({ ok: false });
      await store().giveBack(granted);
      await store().giveBack(take([{ ...counter, name: uniqueName("never") }]));
      expect(await store().take(take([counter]))).toEqual({ ok: true });
    });

    it("is atomic: 50 concurrent takes under maxKeys 3 grant exactly 3", async () => {
      const counter: QuotaCounter = { name: uniqueName("race"), windowSeconds: 60, maxKeys: 3, exposure: 1 };
      const results = await Promise.all(Array.from({ length: 50 }, () => store().take(take([counter]))));
      expect(results.filter((r) => r.ok)).toHaveLength(3);
    });
  });
}
