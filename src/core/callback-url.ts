/** Longest callback URL we accept; longer ones break at proxies and browsers. */
export const MAX_CALLBACK_URL_LENGTH = 2048;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
// Whitespace and control characters (C0, DEL and C1): `new URL()` silently strips some of them, so refuse rather than repair.
// eslint-disable-next-line no-control-regex
export const UNSAFE_CHARACTERS = /[\s\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks a callback URL against OpenRouter's rules: `https:` on any host and
 * port, or `http:` on localhost, 127.0.0.1 and [::1]. Returns what is wrong,
 * or `undefined` when the URL is acceptable.
 */
export function checkCallbackUrl(value: unknown): string | undefined {
  if (typeof value !== "string") return "must be a string";
  if (value.length > MAX_CALLBACK_URL_LENGTH) return `must be at most ${MAX_CALLBACK_URL_LENGTH} characters`;
  if (UNSAFE_CHARACTERS.test(value)) return "must not contain whitespace or control characters";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute URL (https://…)";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `must use https (got "${url.protocol}")`;
  }
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    return "must use https; plain http is only allowed on localhost, 127.0.0.1 and [::1]";
  }
  if (url.username || url.password) return "must not contain credentials (user:password@)";
  if (value.includes("#")) return "must not contain a fragment (#…)";
  return undefined;
}
