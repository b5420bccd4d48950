import { describe, expect, it } from "vitest";
import {
  buildAuthorizationUrl,
  buildHeadlessAuthorizationUrl,
  createPkcePair,
  DEFAULT_AUTH_URL,
  MAX_LIMIT,
  OpenRouterAuthError,
  type AuthorizationUrlOptions,
  type HeadlessAuthorizationUrlOptions,
} from "../../src/core/index.js";

// RFC 7636 Appendix B: the challenge of dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk.
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const base: AuthorizationUrlOptions = {
  callbackUrl: "https://myapp.com/auth/callback",
  codeChallenge: CHALLENGE,
  codeChallengeMethod: "S256",
};

function thrown(fn: () => unknown): OpenRouterAuthError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OpenRouterAuthError);
    return error as OpenRouterAuthError;
  }
  throw new Error("expected a throw");
}

describe("buildAuthorizationUrl", () => {
  it("defaults to https://openrouter.ai/auth with exactly the three PKCE parameters", () => {
    expect(DEFAULT_AUTH_URL).toBe("https://openrouter.ai/auth");
    const url = new URL(buildAuthorizationUrl(base));
    expect(url.origin + url.pathname).toBe("https://openrouter.ai/auth");
    expect([...url.searchParams]).toEqual([
      ["callback_url", "https://myapp.com/auth/callback"],
      ["code_challenge", CHALLENGE],
      ["code_challenge_method", "S256"],
    ]);
    expect(url.hash).toBe("");
  });

  it("percent-encodes a callback URL with its own query string and unicode, and round-trips it", () => {
    const callbackUrl = "https://myapp.com/rückruf?next=/home&lang=de&q=a+b%20c";
    const built = buildAuthorizationUrl({ ...base, callbackUrl });
    // The callback's own "&" and "?" must not leak into the outer query.
    expect(built).not.toContain("&lang=de");
    expect(built).not.toContain("?next=");
    expect(built).not.toContain("ü");
    const params = new URL(built).searchParams;
    expect(params.get("callback_url")).toBe(callbackUrl);
    expect(params.getAll("callback_url")).toHaveLength(1);
    expect(params.get("lang")).toBeNull();
    expect(params.get("next")).toBeNull();
    expect(new URLSearchParams(new URL(built).search).get("callback_url")).toBe(callbackUrl);
  });

  it("carries the plain method and a fresh challenge unchanged", async () => {
    const pair = await createPkcePair("plain");
    const params = new URL(buildAuthorizationUrl({ ...base, codeChallenge: pair.codeChallenge, codeChallengeMethod: "plain" })).searchParams;
    expect(params.get("code_challenge")).toBe(pair.codeVerifier);
    expect(params.get("code_challenge_method")).toBe("plain");
  });

  it("uses a custom authUrl and keeps its own query parameters", () => {
    const url = new URL(buildAuthorizationUrl({ ...base, authUrl: "http://127.0.0.1:4010/auth?tenant=t1" }));
    expect(url.origin + url.pathname).toBe("http://127.0.0.1:4010/auth");
    expect(url.searchParams.get("tenant")).toBe("t1");
    expect(url.searchParams.get("callback_url")).toBe(base.callbackUrl);
    expect(url.searchParams.get("code_challenge")).toBe(CHALLENGE);
  });

  it("replaces a callback_url smuggled into a custom authUrl instead of sending two", () => {
    const url = new URL(buildAuthorizationUrl({ ...base, authUrl: "https://openrouter.ai/auth?callback_url=https://evil.example/" }));
    expect(url.searchParams.getAll("callback_url")).toEqual([base.callbackUrl]);
  });

  it.each([
    [0, "0"],
    [100, "100"],
    [12.5, "12.5"],
    [MAX_LIMIT, String(MAX_LIMIT)],
  ])("sends limit %s as %s", (limit, text) => {
    expect(new URL(buildAuthorizationUrl({ ...base, limit })).searchParams.get("limit")).toBe(text);
  });

  it("omits limit when not given", () => {
    expect(new URL(buildAuthorizationUrl(base)).searchParams.has("limit")).toBe(false);
  });

  it.each<[string, Partial<Record<keyof AuthorizationUrlOptions, unknown>>, string, string]>([
    ["an http callback off loopback", { callbackUrl: "http://myapp.com/cb" }, "callbackUrl", "plain http is only allowed"],
    ["a javascript: callback", { callbackUrl: "javascript:alert(1)" }, "callbackUrl", 'must use https (got "javascript:")'],
    ["a callback with a newline", { callbackUrl: "https://myapp.com/cb\n" }, "callbackUrl", "whitespace"],
    ["a missing callback", { callbackUrl: undefined }, "callbackUrl", "must be a string"],
    ["a short challenge", { codeChallenge: "abc" }, "codeChallenge", "43-128 characters"],
    ["a challenge with '+'", { codeChallenge: `${CHALLENGE.slice(0, 42)}+` }, "codeChallenge", "43-128 characters"],
    ["a lower-case method", { codeChallengeMethod: "s256" }, "codeChallengeMethod", 'must be "S256" or "plain"'],
    ["a negative limit", { limit: -1 }, "limit", "between 0 and"],
    ["a huge limit", { limit: MAX_LIMIT + 1 }, "limit", "between 0 and"],
    ["a NaN limit", { limit: Number.NaN }, "limit", "must be a finite number"],
    ["an infinite limit", { limit: Number.POSITIVE_INFINITY }, "limit", "must be a finite number"],
    ["a string limit", { limit: "100" }, "limit", "must be a finite number"],
    ["a relative authUrl", { authUrl: "/auth" }, "authUrl", "absolute http(s) URL"],
    ["a javascript: authUrl", { authUrl: "javascript:alert(1)" }, "authUrl", "absolute http(s) URL"],
    ["an ftp: authUrl", { authUrl: "ftp://openrouter.ai/auth" }, "authUrl", "absolute http(s) URL"],
  ])("refuses %s with invalid_request at its path", (_label, patch, path, message) => {
    const error = thrown(() => buildAuthorizationUrl({ ...base, ...patch } as AuthorizationUrlOptions));
    expect(error.code).toBe("invalid_request");
    expect(error.issues).toEqual([{ path: [path], message: expect.stringContaining(message) }]);
    expect(error.message).toContain(`${path}: `);
  });

  it("reports every problem at once", () => {
    const error = thrown(() =>
      buildAuthorizationUrl({ callbackUrl: "ftp://x", codeChallenge: "", codeChallengeMethod: "md5", limit: -5 } as unknown as AuthorizationUrlOptions),
    );
    expect(error.code).toBe("invalid_request");
    expect(error.issues?.map((i) => i.path[0])).toEqual(["callbackUrl", "codeChallenge", "codeChallengeMethod", "limit"]);
  });

  it("refuses missing options with invalid_request rather than a TypeError", () => {
    const error = thrown(() => buildAuthorizationUrl(undefined as unknown as AuthorizationUrlOptions));
    expect(error.code).toBe("invalid_request");
    expect(error.issues?.map((i) => i.path[0])).toEqual(["callbackUrl", "codeChallenge", "codeChallengeMethod"]);
  });
});

describe("buildHeadlessAuthorizationUrl", () => {
  const headless: HeadlessAuthorizationUrlOptions = { codeChallenge: CHALLENGE, codeChallengeMethod: "S256", keyLabel: "My CLI – laptop" };

  it("has no callback_url and carries key_label, challenge and method", () => {
    const url = new URL(buildHeadlessAuthorizationUrl(headless));
    expect(url.origin + url.pathname).toBe("https://openrouter.ai/auth");
    expect(url.searchParams.has("callback_url")).toBe(false);
    expect(url.toString()).not.toContain("callback");
    expect([...url.searchParams]).toEqual([
      ["code_challenge", CHALLENGE],
      ["code_challenge_method", "S256"],
      ["key_label", "My CLI – laptop"],
    ]);
  });

  it("encodes the label so '&' and '=' cannot add parameters", () => {
    const keyLabel = "a&callback_url=https://evil.example/&b=c";
    const url = new URL(buildHeadlessAuthorizationUrl({ ...headless, keyLabel }));
    expect(url.searchParams.get("key_label")).toBe(keyLabel);
    expect(url.searchParams.has("callback_url")).toBe(false);
  });

  it("works without a label, with a limit and a custom authUrl", () => {
    const url = new URL(buildHeadlessAuthorizationUrl({ codeChallenge: CHALLENGE, codeChallengeMethod: "S256", limit: 5, authUrl: "http://localhost:4010/auth" }));
    expect(url.origin + url.pathname).toBe("http://localhost:4010/auth");
    expect(url.searchParams.has("key_label")).toBe(false);
    expect(url.searchParams.get("limit")).toBe("5");
  });

  it.each<[string, Partial<Record<keyof HeadlessAuthorizationUrlOptions, unknown>>, string]>([
    ["an empty label", { keyLabel: "" }, "keyLabel"],
    ["a blank label", { keyLabel: "   " }, "keyLabel"],
    ["a 101-character label", { keyLabel: "x".repeat(101) }, "keyLabel"],
    ["a label with a newline", { keyLabel: "a\nb" }, "keyLabel"],
    ["a label with a C1 control character", { keyLabel: "a\u0085b" }, "keyLabel"],
    ["a numeric label", { keyLabel: 7 }, "keyLabel"],
    ["a missing challenge", { codeChallenge: undefined }, "codeChallenge"],
    ["an unknown method", { codeChallengeMethod: "S512" }, "codeChallengeMethod"],
    ["a negative limit", { limit: -0.01 }, "limit"],
  ])("refuses %s with invalid_request at its path", (_label, patch, path) => {
    const error = thrown(() => buildHeadlessAuthorizationUrl({ ...headless, ...patch } as HeadlessAuthorizationUrlOptions));
    expect(error.code).toBe("invalid_request");
    expect(error.issues).toEqual([{ path: [path], message: expect.any(String) }]);
  });

  it("accepts a 100-character label", () => {
    const keyLabel = "x".repeat(100);
    expect(new URL(buildHeadlessAuthorizationUrl({ ...headless, keyLabel })).searchParams.get("key_label")).toBe(keyLabel);
  });
});

describe("optional fields given as undefined", () => {
  it("are left out of the consent URL, not sent as the text undefined", () => {
    const url = new URL(buildAuthorizationUrl({ ...base, limit: undefined }));
    expect(url.searchParams.has("limit")).toBe(false);
    expect(url.search).not.toContain("undefined");
  });
});
