// What the emulator accepts, checked as OpenRouter's OpenAPI spec describes it, with the
// problem as text for OpenRouter's error body ("field: what is wrong").
//
// The rules the library shares live in src/core and are used as they are: the callback URL
// (checkCallbackUrl), the PKCE character set and messages (pkce.ts), UUIDs, ISO times with
// seconds and the usage-limit types (rules.ts). The core's zod request schemas are not reused:
// they are the client's policy, stricter than the spec in places (a limit up to 1e9, a label
// without control characters, a code of at most 512 characters), and an emulator that refused
// what OpenRouter accepts would hide a client's bug instead of showing it. They also read the
// SDK's camelCase names and throw OpenRouterAuthErrors, where the emulator reads snake_case and
// answers with OpenRouter's texts.
import { checkCallbackUrl } from "../core/callback-url.js";
import { isCodeVerifier, METHOD_MESSAGE, UNRESERVED_MESSAGE, type CodeChallengeMethod } from "../core/pkce.js";
import { isIsoUtcWithSeconds, isUsageLimitType, USAGE_LIMIT_TYPES, UUID } from "../core/rules.js";
import type { EmulatorGrant } from "./types.js";

/** The consent page's query parameters, which its form sends back as hidden fields. */
export const CONSENT_PARAMS = ["callback_url", "code_challenge", "code_challenge_method", "limit", "key_label"] as const;
const MINT_FIELDS = new Set(["callback_url", "code_challenge", "code_challenge_method", "limit", "expires_at", "key_label", "usage_limit_type", "workspace_id"]);
const EXCHANGE_FIELDS = new Set(["code", "code_verifier", "code_challenge_method"]);
/** An S256 challenge: base64url of a SHA-256 digest, without padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_LABEL_LENGTH = 100;
const USAGE_LIMIT_TYPES_TEXT = USAGE_LIMIT_TYPES.map((t) => `"${t}"`)
  .join(", ")
  .replace(/, ([^,]*)$/, " or $1");

function isMethod(value: unknown): value is CodeChallengeMethod {
  return value === "S256" || value === "plain";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A challenge is checked beyond the spec (which only says "string"): outside RFC 7636's set, or
 * an S256 one that is not 43 base64url characters, it is a client bug the exchange would only
 * report later, as a mismatch.
 */
function checkChallenge(challenge: string, method: CodeChallengeMethod): string | undefined {
  if (!isCodeVerifier(challenge)) return `code_challenge: ${UNRESERVED_MESSAGE}`;
  if (method === "S256" && !S256_CHALLENGE.test(challenge)) {
    return "code_challenge: an S256 challenge is 43 base64url characters (SHA-256 of the verifier, no padding)";
  }
  return undefined;
}

/** The consent page's query (or its form): a grant, or the problem as text. */
export function readConsentParams(params: URLSearchParams): EmulatorGrant | string {
  for (const name of CONSENT_PARAMS) if (params.getAll(name).length > 1) return `${name}: given more than once`;
  const callbackUrl = params.get("callback_url");
  const challenge = params.get("code_challenge");
  const methodText = params.get("code_challenge_method");
  const limitText = params.get("limit");
  const keyLabel = params.get("key_label");

  if (callbackUrl !== null) {
    const problem = checkCallbackUrl(callbackUrl);
    if (problem) return `callback_url: ${problem}`;
  } else if (challenge === null) {
    return "code_challenge: required in headless mode (without callback_url)";
  }
  if (methodText !== null && !isMethod(methodText)) return `code_challenge_method: ${METHOD_MESSAGE}`;
  if (methodText !== null && challenge === null) return "code_challenge_method: given without code_challenge";
  // A challenge without a method means plain (RFC 7636, section 4.3).
  const method: CodeChallengeMethod | null = challenge === null ? null : ((methodText as CodeChallengeMethod | null) ?? "plain");
  if (challenge !== null && method !== null) {
    const problem = checkChallenge(challenge, method);
    if (problem) return problem;
  }
  const limit = limitText === null ? null : Number(limitText);
  if (limit !== null && (limitText?.trim() === "" || !Number.isFinite(limit) || limit < 0)) return "limit: must be a number >= 0";
  if (keyLabel !== null && keyLabel.length > MAX_LABEL_LENGTH) return `key_label: must be at most ${MAX_LABEL_LENGTH} characters`;
  return { callbackUrl, codeChallenge: challenge, codeChallengeMethod: method, limit, keyLabel, usageLimitType: null, expiresAt: null, workspaceId: null };
}

/** The body of `POST /api/v1/auth/keys/code`, checked as the spec describes it (unknown fields are errors). */
export function readMintBody(body: unknown): EmulatorGrant | string {
  if (!isPlainObject(body)) return "body: must be a JSON object";
  for (const key of Object.keys(body)) if (!MINT_FIELDS.has(key)) return `${key}: unknown field`;
  const { callback_url, code_challenge, code_challenge_method, limit, expires_at, key_label, usage_limit_type, workspace_id } = body;

  if (callback_url === undefined) return "callback_url: required";
  const problem = checkCallbackUrl(callback_url);
  if (problem) return `callback_url: ${problem}`;
  if (code_challenge_method !== undefined && !isMethod(code_challenge_method)) return `code_challenge_method: ${METHOD_MESSAGE}`;
  if (code_challenge === undefined && code_challenge_method !== undefined) return "code_challenge_method: given without code_challenge";
  if (code_challenge !== undefined && typeof code_challenge !== "string") return "code_challenge: must be a string";
  const method = code_challenge === undefined ? null : (code_challenge_method ?? "plain");
  if (typeof code_challenge === "string" && method) {
    const challengeProblem = checkChallenge(code_challenge, method);
    if (challengeProblem) return challengeProblem;
  }
  if (limit !== undefined && (typeof limit !== "number" || !Number.isFinite(limit) || limit < 0)) return "limit: must be a number >= 0";
  if (expires_at !== undefined && expires_at !== null && !isIsoUtcWithSeconds(expires_at)) {
    return "expires_at: must be an ISO 8601 UTC date-time with seconds (e.g. 2027-12-31T23:59:59Z) or null";
  }
  if (key_label !== undefined && (typeof key_label !== "string" || key_label.length > MAX_LABEL_LENGTH)) {
    return `key_label: must be a string of at most ${MAX_LABEL_LENGTH} characters`;
  }
  if (usage_limit_type !== undefined && !isUsageLimitType(usage_limit_type)) return `usage_limit_type: must be ${USAGE_LIMIT_TYPES_TEXT}`;
  if (workspace_id !== undefined && (typeof workspace_id !== "string" || !UUID.test(workspace_id))) return "workspace_id: must be a UUID";
  return {
    callbackUrl: callback_url as string,
    codeChallenge: (code_challenge as string | undefined) ?? null,
    codeChallengeMethod: method,
    limit: (limit as number | undefined) ?? null,
    keyLabel: (key_label as string | undefined) ?? null,
    usageLimitType: usage_limit_type ?? null,
    expiresAt: (expires_at as string | null | undefined) ?? null,
    workspaceId: (workspace_id as string | undefined) ?? null,
  };
}

export interface ExchangeRequest {
  code: string;
  verifier: string | undefined;
  /** null: none sent, so the method the code was issued with applies (RFC 7636, section 4.5). */
  method: CodeChallengeMethod | null;
}

/** The body of `POST /api/v1/auth/keys`. */
export function readExchangeBody(body: unknown): ExchangeRequest | string {
  if (!isPlainObject(body)) return "body: must be a JSON object";
  for (const key of Object.keys(body)) if (!EXCHANGE_FIELDS.has(key)) return `${key}: unknown field`;
  const { code, code_verifier, code_challenge_method } = body;
  if (typeof code !== "string" || code === "") return "code: required, a non-empty string";
  if (code_verifier !== undefined && typeof code_verifier !== "string") return "code_verifier: must be a string";
  if (code_challenge_method !== undefined && code_challenge_method !== null && !isMethod(code_challenge_method)) {
    return 'code_challenge_method: must be "S256", "plain" or null';
  }
  return { code, verifier: code_verifier, method: code_challenge_method ?? null };
}

/** The code an exchange body named, for the event log, even when the body was refused. */
export function codeOf(body: unknown): string | null {
  return isPlainObject(body) && typeof body.code === "string" ? body.code : null;
}

/** The keys page's form: which key to revoke, by its page id. */
export function readRevokeForm(form: URLSearchParams): { id: string } | string {
  const ids = form.getAll("key_id");
  if (ids.length !== 1) return ids.length ? "key_id: given more than once" : "key_id: required";
  const [id] = ids as [string];
  if (!/^[0-9a-f]{32}$/.test(id)) return "key_id: not a key of this page";
  return { id };
}
