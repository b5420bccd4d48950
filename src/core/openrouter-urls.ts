import { checkServiceUrl } from "./http-url.js";

// OpenRouter's pages, apart from the consent URL's builder (authorization-url.ts, which validates
// with zod): a provider needs them to render, before any flow runs.

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
