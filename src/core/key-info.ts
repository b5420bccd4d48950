import * as z from "zod/mini";
import { numberField, stringField, nullableString as stringOrNull, type UsageLimitType } from "./schemas.js";

// Custom checks rather than z.nullable / z.boolean: each zod feature costs users bytes.
const nullableNumber = /* @__PURE__ */ z.custom<number | null>((v) => v === null || Number.isFinite(v), "must be a finite number or null");
const nullableString = /* @__PURE__ */ z.optional(stringOrNull);

/** The fields of `GET /key` this library reads, by wire name; the rest of the answer is ignored. */
const fields = {
  label: stringField,
  limit: nullableNumber,
  limit_remaining: /* @__PURE__ */ z.optional(nullableNumber),
  limit_reset: nullableString,
  usage: numberField,
  usage_daily: /* @__PURE__ */ z.optional(numberField),
  usage_weekly: /* @__PURE__ */ z.optional(numberField),
  usage_monthly: /* @__PURE__ */ z.optional(numberField),
  expires_at: nullableString,
  is_free_tier: /* @__PURE__ */ z.custom<boolean>((v) => typeof v === "boolean", "must be a boolean"),
};
export const keyInfoWireResponseSchema = /* @__PURE__ */ z.object({ data: /* @__PURE__ */ z.object(fields) });

/** What OpenRouter says about a key: its limit, what is left, and its usage (in credits, i.e. USD). */
export interface OpenRouterKeyInfo {
  label: string;
  limit: number | null;
  limitRemaining: number | null;
  limitReset: UsageLimitType | string | null;
  usage: number;
  usageDaily: number | null;
  usageWeekly: number | null;
  usageMonthly: number | null;
  expiresAt: string | null;
  isFreeTier: boolean;
}

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
type WireNames = CamelCase<keyof typeof fields>;
/** Compile-time guard for the loop below: the wire fields, camelCased, are exactly OpenRouterKeyInfo's. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// eslint-disable-next-line @typescript-eslint/no-unused-vars
type KeyInfoNamesMatch = Assert<Exactly<WireNames, keyof OpenRouterKeyInfo>>;
type Assert<T extends true> = T;

/** Each wire field under its camelCase name, a missing one as null (names written once: fewer bytes). */
export function toKeyInfo({ data }: z.infer<typeof keyInfoWireResponseSchema>): OpenRouterKeyInfo {
  const info: Record<string, unknown> = {};
  for (const name in fields) info[name.replace(/_(.)/g, (_, letter: string) => letter.toUpperCase())] = data[name as keyof typeof fields] ?? null;
  // An older answer has no limit_remaining: work it out from limit and usage.
  info.limitRemaining ??= data.limit === null ? null : Math.max(0, data.limit - data.usage);
  return info as unknown as OpenRouterKeyInfo;
}
