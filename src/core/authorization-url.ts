import * as z from "zod/mini";
import { checkServiceUrl } from "./http-url.js";
import type { CodeChallengeMethod } from "./pkce.js";
import { callbackUrlSchema, codeChallengeMethodSchema, keyLabelSchema, limitSchema, parseRequest, unreservedSchema } from "./schemas.js";

export const DEFAULT_AUTH_URL = "https://openrouter.ai/auth";
/** Where a user sees and revokes their keys on OpenRouter. */
export const DEFAULT_KEYS_URL = "https://openrouter.ai/settings/keys";

/**
 * The keys page that goes with a consent page: `authUrl` with its last path segment `auth` made
 * `settings/keys` (`https://openrouter.ai/auth` → `https://openrouter.ai/settings/keys`, the
 * emulator's likewise). Any other `authUrl`, or one that is not a safe http(s) URL, gives OpenRouter's.
 */
export function keysUrlFor(authUrl: string = DEFAULT_AUTH_URL): string {
  if (checkServiceUrl(authUrl)) return DEFAULT_KEYS_URL;
  const url = new URL(authUrl);
  // Stryker disable next-line Regex: an http(s) pathname always starts with "/", so (^|\/) and \/ match alike (the line's other regex mutants are killed, and go with it)
  if (!/(^|\/)auth$/.test(url.pathname)) return DEFAULT_KEYS_URL;
  return url.origin + url.pathname.replace(/auth$/, "settings/keys");
}

export interface AuthorizationUrlOptions {
  /** Where OpenRouter sends the browser back with `?code=`. */
  callbackUrl: string;
  codeChallenge: string;
  codeChallengeMethod: CodeChallengeMethod;
  /** Credit limit for the key (sent as `limit`, as the official SDK does). */
  limit?: number;
  /** The consent page; default `https://openrouter.ai/auth`. */
  authUrl?: string;
}

export interface HeadlessAuthorizationUrlOptions {
  codeChallenge: string;
  codeChallengeMethod: CodeChallengeMethod;
  /** Label of the key to be created, shown to the user on the consent page. */
  keyLabel?: string;
  limit?: number;
  authUrl?: string;
}

// The same field schemas as the request bodies, so both refuse the same values with the same messages.
// Key order is URL parameter order: zod returns fields in schema order.
const pkce = { codeChallenge: unreservedSchema, codeChallengeMethod: codeChallengeMethodSchema };
const limit = /* @__PURE__ */ z.optional(limitSchema);
const authUrl = /* @__PURE__ */ z.optional(/* @__PURE__ */ z.custom<string>((v) => !checkServiceUrl(v), { error: (issue) => checkServiceUrl(issue.input) }));
const authorizationUrlSchema = /* @__PURE__ */ z.strictObject({ callbackUrl: callbackUrlSchema, ...pkce, limit, authUrl });
const headlessAuthorizationUrlSchema = /* @__PURE__ */ z.strictObject({ ...pkce, keyLabel: /* @__PURE__ */ z.optional(keyLabelSchema), limit, authUrl });

/** `authUrl` with each other field set as a snake_case parameter (replacing any of the same name), undefined ones left out. */
function toUrl(schema: typeof authorizationUrlSchema | typeof headlessAuthorizationUrlSchema, input: unknown): string {
  const { authUrl: consentPage = DEFAULT_AUTH_URL, ...params } = parseRequest<Record<string, unknown>>(schema, input ?? {});
  const url = new URL(consentPage as string);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), String(value));
  }
  return url.toString();
}

/**
 * The consent page URL for the PKCE flow, every value encoded. Validates its
 * input (own fields only, unknown keys refused) and throws `invalid_request`
 * before anything is opened; missing options report each required field.
 */
export function buildAuthorizationUrl(input: AuthorizationUrlOptions): string {
  return toUrl(authorizationUrlSchema, input);
}

/**
 * The consent page URL for OpenRouter's headless mode: no callback URL; after
 * approval OpenRouter shows the code, which the user pastes back into the app.
 */
export function buildHeadlessAuthorizationUrl(input: HeadlessAuthorizationUrlOptions): string {
  return toUrl(headlessAuthorizationUrlSchema, input);
}
