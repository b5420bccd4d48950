// Rules the client, the server handlers and the emulator share, written once. No zod here:
// the emulator and the server read them without pulling a schema into their bundles.

/** A UUID in any case (OpenRouter's workspace ids). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 in UTC with seconds; minute precision is rejected by OpenRouter. */
export const ISO_UTC_WITH_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export type UsageLimitType = "daily" | "weekly" | "monthly";
/** The intervals a key's limit can reset on. */
export const USAGE_LIMIT_TYPES: readonly UsageLimitType[] = ["daily", "weekly", "monthly"];

export function isUsageLimitType(value: unknown): value is UsageLimitType {
  return value === "daily" || value === "weekly" || value === "monthly";
}

/**
 * `value` is ISO 8601 in UTC with seconds and names a real instant: `Date.parse` alone rolls
 * "02-30" over to March and takes "24:00:00".
 */
export function isIsoUtcWithSeconds(value: unknown): value is string {
  if (typeof value !== "string" || !ISO_UTC_WITH_SECONDS.test(value)) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 19) === value.slice(0, 19);
}

/** `ms` as OpenRouter writes times: ISO 8601 in UTC, whole seconds (2027-12-31T23:59:59Z), rounded down. */
export function toIsoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * A key as it may be shown: its prefix and last four characters, `sk-or-v1-…abcd`. Enough to
 * recognise a key, never enough to use it; a key too short to keep four hidden shows none of it.
 */
export function maskKey(key: string): string {
  const prefix = /^sk-or-v\d+-/.exec(key)?.[0] ?? "";
  const rest = key.slice(prefix.length);
  return rest.length < 12 ? `${prefix}…` : `${prefix}…${rest.slice(-4)}`;
}
