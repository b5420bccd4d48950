import { checkCallbackUrl } from "./callback-url.js";

/** The one wording for a URL that fetch or a browser tab must be able to open. */
export const HTTP_URL_MESSAGE = "must be an absolute http(s) URL";

/** `value` parsed, if it is an absolute http: or https: URL; anything else (paths, `javascript:`, junk) gives undefined. */
export function httpUrl(value: unknown): URL | undefined {
  try {
    const url = new URL(value as string);
    // Stryker disable next-line Regex: dropping $ is equivalent: a parsed protocol is a scheme and one ":", so "^https?:" is all of it
    if (/^https?:$/.test(url.protocol)) return url;
  } catch {
    // not a URL at all
  }
}

/**
 * What is wrong with a URL that codes, verifiers, keys or an API key travel to (`baseUrl`,
 * `authUrl`, `mintUrl`, `exchangeUrl`), or undefined. The callback URL's rule: https, or plain
 * http on a loopback host only (no cleartext on a network), no credentials, no fragment.
 */
export function checkServiceUrl(value: unknown): string | undefined {
  return httpUrl(value) ? checkCallbackUrl(value) : HTTP_URL_MESSAGE;
}
