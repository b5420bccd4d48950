import { checkCallbackUrl } from "./callback-url.js";
import { invalidRequest, type OpenRouterAuthIssue } from "./errors.js";
import { CODE_VERIFIER_PATTERN, type CodeChallengeMethod } from "./pkce.js";
import { MAX_LIMIT } from "./schemas.js";

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

function checkCommon(
  options: { codeChallenge: unknown; codeChallengeMethod: unknown; limit?: unknown; authUrl?: unknown },
  issues: OpenRouterAuthIssue[],
): URL | undefined {
  if (typeof options.codeChallenge !== "string" || !CODE_VERIFIER_PATTERN.test(options.codeChallenge)) {
    issues.push({ path: ["codeChallenge"], message: "must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)" });
  }
  if (options.codeChallengeMethod !== "S256" && options.codeChallengeMethod !== "plain") {
    issues.push({ path: ["codeChallengeMethod"], message: 'must be "S256" or "plain"' });
  }
  if (options.limit !== undefined && !(typeof options.limit === "number" && options.limit >= 0 && options.limit <= MAX_LIMIT)) {
    issues.push({ path: ["limit"], message: `must be a number between 0 and ${MAX_LIMIT}` });
  }
  const authUrl = options.authUrl === undefined ? DEFAULT_AUTH_URL : options.authUrl;
  try {
    const url = new URL(String(authUrl));
    if (url.protocol === "https:" || url.protocol === "http:") return url;
  } catch {
    // reported below
  }
  issues.push({ path: ["authUrl"], message: "must be an absolute http(s) URL" });
  return undefined;
}

/**
 * The options' own fields only (never inherited ones), with unknown keys refused.
 * Options that cannot be read (a throwing getter or Proxy) are refused too.
 */
function ownOptions(options: unknown, known: readonly string[]): Record<string, unknown> {
  let own: Record<string, unknown> | undefined;
  try {
    if (options === undefined || options === null) own = {}; // each required field is then reported missing
    else if (typeof options === "object" && !Array.isArray(options)) own = Object.fromEntries(Object.entries(options));
  } catch {
    throw invalidRequest([{ path: [], message: "must be a plain object whose fields can be read" }]);
  }
  if (!own) throw invalidRequest([{ path: [], message: "must be an object" }]);
  const unknown = Object.keys(own).filter((key) => !known.includes(key));
  if (unknown.length) throw invalidRequest(unknown.map((key) => ({ path: [key], message: "unknown key" })));
  return own;
}

/**
 * The consent page URL for the PKCE flow, every value encoded. Validates its
 * input and throws `invalid_request` before anything is opened.
 */
export function buildAuthorizationUrl(input: AuthorizationUrlOptions): string {
  const options = ownOptions(input, ["callbackUrl", "codeChallenge", "codeChallengeMethod", "limit", "authUrl"]) as unknown as AuthorizationUrlOptions;
  const issues: OpenRouterAuthIssue[] = [];
  const problem = checkCallbackUrl(options.callbackUrl);
  if (problem) issues.push({ path: ["callbackUrl"], message: problem });
  const url = checkCommon(options, issues);
  if (issues.length || !url) throw invalidRequest(issues);
  url.searchParams.set("callback_url", options.callbackUrl);
  url.searchParams.set("code_challenge", options.codeChallenge);
  url.searchParams.set("code_challenge_method", options.codeChallengeMethod);
  if (options.limit !== undefined) url.searchParams.set("limit", String(options.limit));
  return url.toString();
}

/**
 * The consent page URL for OpenRouter's headless mode: no callback URL; after
 * approval OpenRouter shows the code, which the user pastes back into the app.
 */
export function buildHeadlessAuthorizationUrl(input: HeadlessAuthorizationUrlOptions): string {
  const options = ownOptions(input, ["codeChallenge", "codeChallengeMethod", "keyLabel", "limit", "authUrl"]) as unknown as HeadlessAuthorizationUrlOptions;
  const issues: OpenRouterAuthIssue[] = [];
  const url = checkCommon(options, issues);
  const label = options.keyLabel;
  // eslint-disable-next-line no-control-regex
  if (label !== undefined && (typeof label !== "string" || !label.trim() || label.length > 100 || /[\u0000-\u001f\u007f-\u009f]/.test(label))) {
    issues.push({ path: ["keyLabel"], message: "must be 1-100 characters without control characters" });
  }
  if (issues.length || !url) throw invalidRequest(issues);
  url.searchParams.set("code_challenge", options.codeChallenge);
  url.searchParams.set("code_challenge_method", options.codeChallengeMethod);
  if (label !== undefined) url.searchParams.set("key_label", label);
  if (options.limit !== undefined) url.searchParams.set("limit", String(options.limit));
  return url.toString();
}
