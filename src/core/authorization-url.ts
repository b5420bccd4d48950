import * as z from "zod/mini";
import type { CodeChallengeMethod } from "./pkce.js";
import { callbackUrlSchema, codeChallengeMethodSchema, keyLabelSchema, limitSchema, parseRequest, unreservedSchema } from "./schemas.js";

export const DEFAULT_AUTH_URL = "https://openrouter.ai/auth";

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
const limit = z.optional(limitSchema);
const authUrl = z.optional(
  z.custom<string>((v) => {
    try {
      return /^https?:$/.test(new URL(String(v)).protocol);
    } catch {
      return false;
    }
  }, "must be an absolute http(s) URL"),
);
const authorizationUrlSchema = z.strictObject({
  callbackUrl: callbackUrlSchema,
  codeChallenge: unreservedSchema,
  codeChallengeMethod: codeChallengeMethodSchema,
  limit,
  authUrl,
});
const headlessAuthorizationUrlSchema = z.strictObject({
  codeChallenge: unreservedSchema,
  codeChallengeMethod: codeChallengeMethodSchema,
  keyLabel: z.optional(keyLabelSchema),
  limit,
  authUrl,
});

/** `authUrl` with `params` set in order (replacing any of the same name), undefined ones left out. */
function toUrl(authUrlValue: string | undefined, params: Record<string, string | number | undefined>): string {
  const url = new URL(String(authUrlValue ?? DEFAULT_AUTH_URL));
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, String(value));
  return url.toString();
}

/**
 * The consent page URL for the PKCE flow, every value encoded. Validates its
 * input (own fields only, unknown keys refused) and throws `invalid_request`
 * before anything is opened; missing options report each required field.
 */
export function buildAuthorizationUrl(input: AuthorizationUrlOptions): string {
  const o = parseRequest(authorizationUrlSchema, input ?? {});
  return toUrl(o.authUrl, {
    callback_url: o.callbackUrl,
    code_challenge: o.codeChallenge,
    code_challenge_method: o.codeChallengeMethod,
    limit: o.limit,
  });
}

/**
 * The consent page URL for OpenRouter's headless mode: no callback URL; after
 * approval OpenRouter shows the code, which the user pastes back into the app.
 */
export function buildHeadlessAuthorizationUrl(input: HeadlessAuthorizationUrlOptions): string {
  const o = parseRequest(headlessAuthorizationUrlSchema, input ?? {});
  return toUrl(o.authUrl, {
    code_challenge: o.codeChallenge,
    code_challenge_method: o.codeChallengeMethod,
    key_label: o.keyLabel,
    limit: o.limit,
  });
}
