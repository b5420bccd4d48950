import * as z from "zod/mini";
import { checkCallbackUrl, UNSAFE_CHARACTERS } from "./callback-url.js";
import { invalidRequest, OpenRouterAuthError, type OpenRouterAuthIssue } from "./errors.js";
import { isCodeVerifier, METHOD_MESSAGE, UNRESERVED_MESSAGE, type CodeChallengeMethod } from "./pkce.js";
import { isUsageLimitType, ISO_UTC_WITH_SECONDS, UUID, type UsageLimitType } from "./rules.js";

export { UUID };

// Custom checks instead of zod's built-in string formats: each built-in costs
// users hundreds of bytes, a `refine` about 75 (measured with esbuild + gzip, as scripts/size.mjs does).
// Every schema built at module level is marked `@__PURE__` (here, in key-info.ts and
// authorization-url.ts), so bundlers drop the ones an app's imports never reach
// (scripts/size.mjs, row "PKCE + consent URL": no request-body schema in it).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/** Largest credit limit we pass on: anything above is a mistake, not a budget. */
export const MAX_LIMIT = 1_000_000_000;

/** A string or null, as one custom check (no `z.nullable`). */
export const nullableString = /* @__PURE__ */ z.custom<string | null>((v) => v === null || typeof v === "string", "must be a string or null");

export const codeChallengeMethodSchema = /* @__PURE__ */ z.custom<CodeChallengeMethod>((v) => v === "S256" || v === "plain", METHOD_MESSAGE);
/** A PKCE verifier or challenge. */
export const unreservedSchema = /* @__PURE__ */ z.custom<string>(isCodeVerifier, UNRESERVED_MESSAGE);

/** A callback URL that `checkCallbackUrl` accepts; the issue carries its message. */
export const callbackUrlSchema = /* @__PURE__ */ z.custom<string>((v) => !checkCallbackUrl(v), { error: (issue) => checkCallbackUrl(issue.input) });

/**
 * null, a Date in the years 0000-9999 (outside them it serializes as "+010000-…", which is
 * not the wire format) or an ISO 8601 UTC string with seconds that names a real instant
 * (`Date.parse` alone rolls "02-30" over to March and takes "24:00:00"). One custom check:
 * `z.nullable(z.union([z.date(), z.string()]))` costs users ~270 bytes more (min+gz).
 */
const expiresAt = /* @__PURE__ */ z.custom<Date | string | null>(
  (v) => {
    const iso = v instanceof Date ? toWireTimestamp(v) : v;
    return v === null || (typeof iso === "string" && ISO_UTC_WITH_SECONDS.test(iso) && toWireTimestamp(new Date(iso))?.slice(0, 19) === iso.slice(0, 19));
  },
  {
    error: (issue) =>
      typeof issue.input === "string"
        ? "must be ISO 8601 in UTC with seconds, e.g. 2027-12-31T23:59:59Z"
        : "must be null, a valid Date in the years 0000-9999 or an ISO 8601 string",
  },
);

/** A credit limit: finite, not negative, not absurd. */
export const limitSchema = /* @__PURE__ */ z.custom<number>((n) => typeof n === "number" && n >= 0 && n <= MAX_LIMIT, {
  error: (issue) => (Number.isFinite(issue.input) ? `must be between 0 and ${MAX_LIMIT}` : "must be a finite number"),
});
export const keyLabelSchema = /* @__PURE__ */ z.custom<string>(
  (v) => typeof v === "string" && v.trim().length > 0 && v.length <= 100 && !CONTROL_CHARACTERS.test(v),
  "must be 1-100 characters without control characters",
);

/** The body of `POST /auth/keys/code`, with the official SDK's camelCase names. */
export const createAuthKeysCodeRequestSchema = /* @__PURE__ */ z.strictObject({
  callbackUrl: callbackUrlSchema,
  codeChallenge: /* @__PURE__ */ z.optional(unreservedSchema),
  codeChallengeMethod: /* @__PURE__ */ z.optional(codeChallengeMethodSchema),
  limit: /* @__PURE__ */ z.optional(limitSchema),
  expiresAt: /* @__PURE__ */ z.optional(expiresAt),
  keyLabel: /* @__PURE__ */ z.optional(keyLabelSchema),
  // One custom check: \`z.enum\` costs users ~250 bytes more (min+gz).
  usageLimitType: /* @__PURE__ */ z.optional(
    /* @__PURE__ */ z.custom<UsageLimitType>(isUsageLimitType, 'must be one of "daily", "weekly", "monthly"'),
  ),
  workspaceId: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.custom<string>((v) => typeof v === "string" && UUID.test(v), "must be a UUID")),
});
export type CreateAuthKeysCodeRequest = z.infer<typeof createAuthKeysCodeRequestSchema>;
export type { UsageLimitType };

export interface CreateAuthKeysCodeResponse {
  data: { id: string; appId: number; createdAt: string };
}

/** The body of `POST /auth/keys`: the code, and the verifier when the code was issued with a challenge. */
export const exchangeAuthCodeRequestSchema = /* @__PURE__ */ z.strictObject({
  code: /* @__PURE__ */ z.custom<string>(
    (v) => typeof v === "string" && v.length > 0 && v.length <= 512 && !UNSAFE_CHARACTERS.test(v),
    "must be 1-512 characters without whitespace",
  ),
  codeVerifier: /* @__PURE__ */ z.optional(unreservedSchema),
  codeChallengeMethod: /* @__PURE__ */ z.optional(codeChallengeMethodSchema),
});
export type ExchangeAuthCodeRequest = z.infer<typeof exchangeAuthCodeRequestSchema>;

export interface ExchangeAuthCodeResponse {
  key: string;
  userId: string | null;
}

// Responses are parsed loosely (servers may add fields) but every field we use is checked.
// Plain type checks as custom checks too: zod's own string and number types cost users ~250 bytes (min+gz).
export const stringField = /* @__PURE__ */ z.custom<string>((v) => typeof v === "string", "must be a string");
export const numberField = /* @__PURE__ */ z.custom<number>((v) => Number.isFinite(v), "must be a finite number");
export const createAuthKeysCodeWireResponseSchema = /* @__PURE__ */ z.object({
  data: /* @__PURE__ */ z.object({ id: stringField, app_id: numberField, created_at: stringField }),
});
export const exchangeAuthCodeWireResponseSchema = /* @__PURE__ */ z.object({
  key: /* @__PURE__ */ z.custom<string>((v) => typeof v === "string" && v.length > 0, "must be a non-empty string"),
  user_id: /* @__PURE__ */ z.optional(nullableString),
});

/** What your exchange route (`createExchangeHandler`) answers: the key stays on your server. */
export interface ServerExchangeResponse {
  userId: string | null;
  /** The key masked, `sk-or-v1-…abcd`: enough to recognise it, never enough to use it. */
  keyHint: string;
}

/** Longest `keyHint` taken: a whole key (73 characters) can never pass as a hint. */
const MAX_KEY_HINT_LENGTH = 40;

export const serverExchangeResponseSchema = /* @__PURE__ */ z.object({
  userId: nullableString,
  keyHint: /* @__PURE__ */ z.custom<string>(
    (v) => typeof v === "string" && v.length > 0 && v.length <= MAX_KEY_HINT_LENGTH,
    `must be a masked key of 1-${MAX_KEY_HINT_LENGTH} characters`,
  ),
});

interface SchemaIssue {
  path: PropertyKey[];
  message: string;
  code?: string;
  keys?: readonly string[];
  expected?: string;
}
type ParseResult<T> = { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<SchemaIssue> } };

/**
 * zod's issues as ours. zod/mini ships no messages ("Invalid input") and reports
 * unknown keys at the object's own path, so each unknown key becomes an issue at its
 * own path, and type failures say what was expected (never the value given). No schema
 * here uses `z.enum`, `z.literal` or `z.union` (custom checks carry their own messages).
 */
function toIssues(issues: ReadonlyArray<SchemaIssue>): OpenRouterAuthIssue[] {
  return issues.flatMap(({ code, path, keys, expected: e, message }): OpenRouterAuthIssue[] =>
    code === "unrecognized_keys" && keys
      ? keys.map((key) => ({ path: [...path, key], message: "unknown key" }))
      : [{ path: [...path], message: code === "invalid_type" && e ? `must be ${e === "object" || e === "array" ? "an" : "a"} ${e === "number" ? "finite number" : e}` : message }],
  );
}

/** Parses input with a schema or throws `invalid_request` naming each offending path. */
export function parseRequest<T>(schema: { safeParse(value: unknown): ParseResult<T> }, input: unknown): T {
  let result: ParseResult<T>;
  try {
    // Only own properties count: zod reads fields through the prototype chain, so
    // `{ __proto__: { callbackUrl } }` or a polluted Object.prototype would supply fields.
    // An own `__proto__` key (JSON.parse) stays an own data key in the copy, and every
    // schema here is a strictObject, which refuses it as an unknown key at its own path.
    const own = input && typeof input === "object" && !Array.isArray(input) ? Object.fromEntries(Object.entries(input)) : input;
    result = schema.safeParse(own);
  } catch {
    // A getter or Proxy trap that throws: input that cannot be read is refused, not rethrown.
    throw invalidRequest([{ path: [], message: "must be a plain object whose fields can be read" }]);
  }
  if (!result.success) throw invalidRequest(toIssues(result.error.issues));
  return result.data;
}

/** Parses a 2xx body with a schema or throws `invalid_response`. */
export function parseResponse<T>(schema: { safeParse(value: unknown): ParseResult<T> }, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new OpenRouterAuthError("invalid_response", `OpenRouter's answer to ${what} has an unexpected shape.`, {
      issues: toIssues(result.error.issues),
    });
  }
  return result.data;
}

/**
 * Serializes `expiresAt` as the SDK does: a Date becomes its ISO string, a string is sent as given.
 * An invalid Date gives null (`toISOString` would throw). Not `toJSON`: apps and date classes override it.
 */
function toWireTimestamp(value: Date | string | null): string | null {
  return value instanceof Date ? (Number.isNaN(value.getTime()) ? null : value.toISOString()) : value;
}

/** The wire (snake_case) name of a request field: `callbackUrl` → `callback_url`. */
const toWireName = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The exact JSON OpenRouter and its SDK use for `POST /auth/keys/code`: snake_case, no extra keys. */
export function toCreateAuthKeysCodeWireBody(request: CreateAuthKeysCodeRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  // The schema's fields, in the order the SDK sends them.
  for (const name of Object.keys(createAuthKeysCodeRequestSchema.shape)) {
    const value = request[name as keyof CreateAuthKeysCodeRequest];
    if (value !== undefined) body[toWireName(name)] = name === "expiresAt" ? toWireTimestamp(value as Date | string | null) : value;
  }
  return body;
}

/**
 * Reads a snake_case wire body (as a server receives it) with the very schema the
 * client uses. Issue paths use the wire names. Throws `invalid_request`.
 */
export function parseCreateAuthKeysCodeWireBody(body: unknown): CreateAuthKeysCodeRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalidRequest([{ path: [], message: "body must be a JSON object" }]);
  }
  const wireToCamel = new Map(Object.keys(createAuthKeysCodeRequestSchema.shape).map((name) => [toWireName(name), name]));
  const camel: Record<string, unknown> = {};
  const unknownKeys: OpenRouterAuthIssue[] = [];
  for (const key of Object.keys(body)) {
    const name = wireToCamel.get(key);
    if (name) camel[name] = (body as Record<string, unknown>)[key];
    else unknownKeys.push({ path: [key], message: "unknown key" });
  }
  if (unknownKeys.length) throw invalidRequest(unknownKeys);
  const result = createAuthKeysCodeRequestSchema.safeParse(camel);
  if (!result.success) {
    throw invalidRequest(
      toIssues(result.error.issues).map((i) => ({
        path: i.path.map((p) => (typeof p === "string" ? toWireName(p) : p)),
        message: i.message,
      })),
    );
  }
  return result.data;
}
