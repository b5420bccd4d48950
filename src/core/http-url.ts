/** The one wording for a URL that fetch or a browser tab must be able to open. */
export const HTTP_URL_MESSAGE = "must be an absolute http(s) URL";

/** `value` parsed, if it is an absolute http: or https: URL; anything else (paths, `javascript:`, junk) gives undefined. */
export function httpUrl(value: unknown): URL | undefined {
  try {
    const url = new URL(value as string);
    if (/^https?:$/.test(url.protocol)) return url;
  } catch {
    // not a URL at all
  }
}
