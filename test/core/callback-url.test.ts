import { describe, expect, it } from "vitest";
import { checkCallbackUrl, createAuthKeysCodeRequestSchema, MAX_CALLBACK_URL_LENGTH } from "../../src/core/index.js";
import { parseRequest } from "../../src/core/schemas.js";

const HTTP_ONLY_LOOPBACK = "must use https; plain http is only allowed on localhost, 127.0.0.1 and [::1]";
const NOT_ABSOLUTE = "must be an absolute URL (https://…)";
const WHITESPACE = "must not contain whitespace or control characters";
const CREDENTIALS = "must not contain credentials (user:password@)";
const FRAGMENT = "must not contain a fragment (#…)";
const TOO_LONG = `must be at most ${MAX_CALLBACK_URL_LENGTH} characters`;

describe("checkCallbackUrl: accepted", () => {
  it.each([
    "https://myapp.com/auth/callback",
    "https://myapp.com:443/cb",
    "https://myapp.com:3000/cb",
    "https://myapp.com:8443/cb?next=%2Fhome&x=1",
    "https://sub.domain.example.org/deep/path/",
    "https://10.0.0.7:9999/cb",
    "https://localhost/cb",
    "http://localhost/cb",
    "http://localhost:3000/callback",
    "http://localhost:65535/",
    "https://localhost:5173/cb",
    "http://127.0.0.1/cb",
    "http://127.0.0.1:8080/cb",
    "https://127.0.0.1:4443/cb",
    "http://[::1]/cb",
    "http://[::1]:54321/cb",
    "https://[::1]:8443/cb",
    "HTTP://LOCALHOST:3000/cb",
    "https://münchen.example/rückruf?q=ü",
  ])("%s", (url) => {
    expect(checkCallbackUrl(url)).toBeUndefined();
  });

  it(`accepts exactly ${MAX_CALLBACK_URL_LENGTH} characters`, () => {
    const base = "https://a.example/";
    const url = base + "a".repeat(MAX_CALLBACK_URL_LENGTH - base.length);
    expect(url).toHaveLength(MAX_CALLBACK_URL_LENGTH);
    expect(checkCallbackUrl(url)).toBeUndefined();
  });
});

describe("checkCallbackUrl: refused, saying which rule failed", () => {
  it.each([
    // not absolute
    ["a relative path", "/auth/callback", NOT_ABSOLUTE],
    ["a protocol-relative URL", "//myapp.com/cb", NOT_ABSOLUTE],
    ["a bare host", "myapp.com/cb", NOT_ABSOLUTE],
    ["an empty string", "", NOT_ABSOLUTE],
    ["a scheme without host", "https://", NOT_ABSOLUTE],
    // scheme
    ["javascript:", "javascript:alert(document.cookie)", 'must use https (got "javascript:")'],
    ["data:", "data:text/html,<script>alert(1)</script>", 'must use https (got "data:")'],
    ["file:", "file:///etc/passwd", 'must use https (got "file:")'],
    ["ftp:", "ftp://myapp.com/cb", 'must use https (got "ftp:")'],
    ["a custom app scheme", "myapp://callback", 'must use https (got "myapp:")'],
    // plain http off loopback
    ["http to a public host", "http://myapp.com/cb", HTTP_ONLY_LOOPBACK],
    ["http to localhost.evil.com", "http://localhost.evil.com/cb", HTTP_ONLY_LOOPBACK],
    ["http to evil.com with a localhost subdomain", "http://localhost.evil.com:3000/cb", HTTP_ONLY_LOOPBACK],
    ["http to 127.0.0.2", "http://127.0.0.2/cb", HTTP_ONLY_LOOPBACK],
    ["http to 127.0.0.1.nip.io", "http://127.0.0.1.nip.io/cb", HTTP_ONLY_LOOPBACK],
    ["http to 0.0.0.0", "http://0.0.0.0:3000/cb", HTTP_ONLY_LOOPBACK],
    ["http to an IPv6 host other than ::1", "http://[::2]/cb", HTTP_ONLY_LOOPBACK],
    ["http to a LAN address", "http://192.168.1.10:3000/cb", HTTP_ONLY_LOOPBACK],
    ["http to evil.com disguised with userinfo", "http://localhost:3000@evil.com/cb", HTTP_ONLY_LOOPBACK],
    // credentials
    ["user and password", "https://user:pass@myapp.com/cb", CREDENTIALS],
    ["a user only", "https://user@myapp.com/cb", CREDENTIALS],
    ["https userinfo that looks like a host", "https://localhost:3000@evil.com/cb", CREDENTIALS],
    ["credentials on loopback", "http://admin:admin@localhost:3000/cb", CREDENTIALS],
    // fragment
    ["a fragment", "https://myapp.com/cb#section", FRAGMENT],
    ["an empty fragment", "https://myapp.com/cb#", FRAGMENT],
    ["a fragment on loopback", "http://localhost:3000/cb#/route", FRAGMENT],
    // whitespace and control characters: refused, never repaired
    ["a leading space", " https://myapp.com/cb", WHITESPACE],
    ["a trailing space", "https://myapp.com/cb ", WHITESPACE],
    ["a space inside", "https://myapp.com/my cb", WHITESPACE],
    ["a tab", "https://my\tapp.com/cb", WHITESPACE],
    ["a newline", "https://myapp.com/cb\n", WHITESPACE],
    ["a carriage return inside the host", "https://myapp\r.com/cb", WHITESPACE],
    ["a NUL character", "https://myapp.com/cb\u0000", WHITESPACE],
    ["a DEL character", "https://myapp.com/\u007fcb", WHITESPACE],
    ["a no-break space", "https://myapp.com/\u00a0cb", WHITESPACE],
    ["a line separator", "https://myapp.com/\u2028cb", WHITESPACE],
  ])("%s", (_label, url, message) => {
    expect(checkCallbackUrl(url)).toBe(message);
  });

  it(`refuses ${MAX_CALLBACK_URL_LENGTH + 1} characters, and far longer ones`, () => {
    const base = "https://a.example/";
    expect(checkCallbackUrl(base + "a".repeat(MAX_CALLBACK_URL_LENGTH + 1 - base.length))).toBe(TOO_LONG);
    expect(checkCallbackUrl(base + "a".repeat(1_000_000))).toBe(TOO_LONG);
  });

  it.each([
    ["a number", 443],
    ["null", null],
    ["undefined", undefined],
    ["a URL object", new URL("https://myapp.com/cb")],
    ["an array", ["https://myapp.com/cb"]],
  ])("refuses %s as not a string", (_label, value) => {
    expect(checkCallbackUrl(value)).toBe("must be a string");
  });
});

describe("callback URL rules inside the request schema", () => {
  it.each([
    ["http://localhost.evil.com/cb", HTTP_ONLY_LOOPBACK],
    ["javascript:alert(1)", 'must use https (got "javascript:")'],
    ["https://myapp.com/cb\t", WHITESPACE],
    ["https://myapp.com/cb#x", FRAGMENT],
    ["https://u:p@myapp.com/cb", CREDENTIALS],
    ["/cb", NOT_ABSOLUTE],
  ])("%s → invalid_request at callbackUrl with the rule's message", (callbackUrl, message) => {
    const error = (() => {
      try {
        parseRequest(createAuthKeysCodeRequestSchema, { callbackUrl });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: "invalid_request", issues: [{ path: ["callbackUrl"], message }] });
    expect((error as Error).message).toBe(`Invalid request: callbackUrl: ${message}`);
  });

  it("passes a good URL through byte for byte (no normalization)", () => {
    const callbackUrl = "HTTP://LOCALHOST:3000/cb?next=%2Fhome";
    expect(parseRequest(createAuthKeysCodeRequestSchema, { callbackUrl })).toEqual({ callbackUrl });
  });
});
