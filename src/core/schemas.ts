import * as z from "zod/mini";
import { checkCallbackUrl } from "./callback-url.js";
import { invalidRequest, OpenRouterAuthError, type OpenRouterAuthIssue } from "./errors.js";
import { CODE_VERIFIER_PATTERN, METHOD_MESSAGE, UNRESERVED_MESSAGE, type CodeChallengeMethod } from "./pkce.js";

// Custom checks instead of zod's built-in string formats: each built-in costs
// users hundreds of bytes, a `refine` about 75 (see ../../shared/toolchain.md).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 in UTC with seconds; minute precision is rejected by OpenRouter. */
const ISO_UTC_WITH_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
/** Largest credit limit we pass on: anything above is a mistake, not a budget. */
export const MAX_LIMIT = 1_000_000_000;

/** A string or null, as one custom check (no `z.nullable`). */
export const nullableString = z.custom<string | null>((v) => v === null || typeof v === "string", "must be a string or null");

export const codeChallengeMethodSchema = z.custom<CodeChallengeMethod>((v) => v === "S256" || v === "plain", METHOD_MESSAGE);
/** A PKCE verifier or challenge. */
export const unreservedSchema = z.string().check(z.refine((v) => CODE_VERIFIER_PATTERN.test(v), UNRESERVED_MESSAGE));

export const callbackUrlSchema = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = checkCallbackUrl(value);
    if (problem) ctx.issues.push({ code: "custom", input: value, message: problem });
  }),
);

/** A real instant: `Date.parse` alone rolls "02-30" over to March and takes "24:00:00". */
function isIsoUtcTimestamp(v: string): boolean {
  const time = Date.parse(v);
  return ISO_UTC_WITH_SECONDS.test(v) && !Number.isNaN(time) && new Date(time).toISOString().slice(0, 19) === v.slice(0, 19);
}
/**
 * null, a Date in the years 0000-9999 (outside them it serializes as "+010000-…", which is
 * not the wire format) or an ISO 8601 UTC string with seconds. One custom check:
 * `z.nullable(z.union([z.date(), z.string()]))` costs users ~270 bytes more (min+gz).
 */
const expiresAt = z.custom<Date | string | null>(
  (v) => v === null || (v instanceof Date ? !Number.isNaN(v.getTime()) && ISO_UTC_WITH_SECONDS.test(v.toISOString()) : typeof v === "string" && isIsoUtcTimestamp(v)),
  {
    error: (issue) =>
      typeof issue.input === "string"
        ? "must be ISO 8601 in UTC with seconds, e.g. 2027-12-31T23:59:59Z"
        : issue.input instanceof Date
          ? "must be a valid Date in the years 0000-9999"
          : "must be null, a Date or an ISO 8601 string",
  },
);

/** A credit limit: finite, not negative, not absurd. */
export const limitSchema = z.number().check(z.refine((n) => n >= 0 && n <= MAX_LIMIT, `must be between 0 and ${MAX_LIMIT}`));
export const keyLabelSchema = z.string().check(
  z.refine((v) => v.trim().length > 0 && v.length <= 100 && !CONTROL_CHARACTERS.test(v), "must be 1-100 characters without control characters"),
);

/** The body of `POST /auth/keys/code`, with the official SDK's camelCase names. */
export const createAuthKeysCodeRequestSchema = z.strictObject({
  callbackUrl: callbackUrlSchema,
  codeChallenge: z.optional(unreservedSchema),
  codeChallengeMethod: z.optional(codeChallengeMethodSchema),
  limit: z.optional(limitSchema),
  expiresAt: z.optional(expiresAt),
  keyLabel: z.optional(keyLabelSchema),
  // One custom check: \`z.enum\` costs users ~250 bytes more (min+gz).
  usageLimitType: z.optional(
    z.custom<"daily" | "weekly" | "monthly">((v) => v === "daily" || v === "weekly" || v === "monthly", 'must be one of "daily", "weekly", "monthly"'),
  ),
  workspaceId: z.optional(z.string().check(z.refine((v) => UUID.test(v), "must be a UUID"))),
});
export type CreateAuthKeysCodeRequest = z.infer<typeof createAuthKeysCodeRequestSchema>;
export type UsageLimitType = NonNullable<CreateAuthKeysCodeRequest["usageLimitType"]>;

export interface CreateAuthKeysCodeResponse {
  data: { id: string; appId: number; createdAt: string };
}

/** The body of `POST /auth/keys`: the code, and the verifier when the code was issued with a challenge. */
export const exchangeAuthCodeRequestSchema = z.strictObject({
  code: z.string().check(
    z.refine((v) => v.length > 0 && v.length <= 512 && !WHITESPACE_OR_CONTROL.test(v), "must be 1-512 characters without whitespace"),
  ),
  codeVerifier: z.optional(unreservedSchema),
  codeChallengeMethod: z.optional(codeChallengeMethodSchema),
});
export type ExchangeAuthCodeRequest = z.infer<typeof exchangeAuthCodeRequestSchema>;

export interface ExchangeAuthCodeResponse {
  key: string;
  userId: string | null;
}

// Responses are parsed loosely (servers may add fields) but every field we use is checked.
export const createAuthKeysCodeWireResponseSchema = z.object({
  data: z.object({ id: z.string(), app_id: z.number(), created_at: z.string() }),
});
export const exchangeAuthCodeWireResponseSchema = z.object({
  key: z.string().check(z.refine((v) => v.length > 0, "key is empty")),
  user_id: z.optional(nullableString),
});

interface SchemaIssue {
  path: PropertyKey[];
  message: string;
  code?: string;
  keys?: readonly string[];
  expected?: string;
  values?: readonly unknown[];
}
type ParseResult<T> = { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<SchemaIssue> } };

/**
 * zod's issues as ours. zod/mini ships no messages ("Invalid input") and reports
 * unknown keys at the object's own path, so each unknown key becomes an issue at its
 * own path, and type and enum failures say what was expected (never the value given).
 */
export function toIssues(issues: ReadonlyArray<SchemaIssue>): OpenRouterAuthIssue[] {
  return issues.flatMap((i): OpenRouterAuthIssue[] => {
    if (i.code === "unrecognized_keys" && i.keys) return i.keys.map((key) => ({ path: [...i.path, key], message: "unknown key" }));
    let message = i.message;
    if (i.code === "invalid_type" && i.expected) message = `must be ${i.expected === "object" || i.expected === "array" ? "an" : "a"} ${i.expected === "number" ? "finite number" : i.expected}`;
    else if (i.code === "invalid_value" && i.values) message = `must be one of ${i.values.map((v) => JSON.stringify(v)).join(", ")}`;
    else if (i.code === "invalid_union") message = "has the wrong type";
    return [{ path: [...i.path], message }];
  });
}

/** Parses input with a schema or throws `invalid_request` naming each offending path. */
export function parseRequest<T>(schema: { safeParse(value: unknown): ParseResult<T> }, input: unknown): T {
  let result: ParseResult<T>;
  try {
    // Prototype-polluting keys never get near a schema: a plain object literal with
    // `__proto__` would otherwise hide the key instead of failing as unknown.
    if (input !== null && typeof input === "object" && Object.prototype.hasOwnProperty.call(input, "__proto__")) {
      throw invalidRequest([{ path: ["__proto__"], message: "unknown key" }]);
    }
    // Only own properties count: zod reads fields through the prototype chain, so
    // `{ __proto__: { callbackUrl } }` or a polluted Object.prototype would supply fields.
    const own = input !== null && typeof input === "object" && !Array.isArray(input) ? Object.fromEntries(Object.entries(input)) : input;
    result = schema.safeParse(own);
  } catch (error) {
    // A getter or Proxy trap that throws: input that cannot be read is refused, not rethrown.
    if (error instanceof OpenRouterAuthError) throw error;
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

/** Serializes `expiresAt` as the SDK does: a Date becomes its ISO string, a string is sent as given. */
export function toWireTimestamp(value: Date | string | null): string | null {
  return value instanceof Date ? value.toISOString() : value;
}

/** The wire (snake_case) name of each request field, in the order the SDK sends them. */
const WIRE_TO_CAMEL: Record<string, keyof CreateAuthKeysCodeRequest> = {
  callback_url: "callbackUrl",
  code_challenge: "codeChallenge",
  code_challenge_method: "codeChallengeMethod",
  limit: "limit",
  expires_at: "expiresAt",
  key_label: "keyLabel",
  usage_limit_type: "usageLimitType",
  workspace_id: "workspaceId",
};

/** The exact JSON OpenRouter and its SDK use for `POST /auth/keys/code`: snake_case, no extra keys. */
export function toCreateAuthKeysCodeWireBody(request: CreateAuthKeysCodeRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [wire, name] of Object.entries(WIRE_TO_CAMEL)) {
    const value = request[name];
    if (value !== undefined) body[wire] = name === "expiresAt" ? toWireTimestamp(value as Date | string | null) : value;
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
  const camel: Record<string, unknown> = {};
  const unknownKeys: OpenRouterAuthIssue[] = [];
  for (const key of Object.keys(body)) {
    const name = Object.prototype.hasOwnProperty.call(WIRE_TO_CAMEL, key) ? WIRE_TO_CAMEL[key] : undefined;
    if (name) camel[name] = (body as Record<string, unknown>)[key];
    else unknownKeys.push({ path: [key], message: "unknown key" });
  }
  if (unknownKeys.length) throw invalidRequest(unknownKeys);
  const result = createAuthKeysCodeRequestSchema.safeParse(camel);
  if (!result.success) {
    const toWire = Object.fromEntries(Object.entries(WIRE_TO_CAMEL).map(([w, c]) => [c, w]));
    throw invalidRequest(
      toIssues(result.error.issues).map((i) => ({
        path: i.path.map((p) => (typeof p === "string" && toWire[p] ? toWire[p] : p)),
        message: i.message,
      })),
    );
  }
  return result.data;
}
