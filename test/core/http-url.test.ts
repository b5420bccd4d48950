import { describe, expect, it } from "vitest";
import { buildAuthorizationUrl, createOpenRouterAuthClient, OpenRouterAuthError } from "../../src/core/index.js";
import { HTTP_URL_MESSAGE, httpUrl } from "../../src/core/http-url.js";

describe("httpUrl", () => {
  it.each(["https://openrouter.ai/auth", "http://localhost:4010/api/v1/", "HTTPS://OpenRouter.ai"])("accepts %s", (value) => {
    expect(httpUrl(value)?.href).toBe(new URL(value).href);
  });

  it.each<[string, unknown]>([
    ["a path", "/auth"],
    ["a protocol-relative URL", "//openrouter.ai/auth"],
    ["javascript:", "javascript:alert(1)"],
    ["ftp:", "ftp://openrouter.ai/"],
    ["file:", "file:///etc/passwd"],
    ["junk", "not a url"],
    ["an empty string", ""],
    ["a number", 42],
    ["undefined", undefined],
    ["an object whose toString throws", { toString: () => { throw new Error("no"); } }],
  ])("refuses %s without throwing", (_label, value) => {
    expect(httpUrl(value)).toBeUndefined();
  });
});

describe("one check, one wording", () => {
  it("refuses the same URL in the client and the URL builder with the same issue", () => {
    const bad = "ftp://openrouter.ai/x";
    const issues = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(OpenRouterAuthError);
        return (error as OpenRouterAuthError).issues;
      }
      throw new Error("did not throw");
    };
    expect(issues(() => createOpenRouterAuthClient({ baseUrl: bad }))).toEqual([{ path: ["baseUrl"], message: HTTP_URL_MESSAGE }]);
    expect(issues(() => buildAuthorizationUrl({ callbackUrl: "https://app.example/cb", codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", codeChallengeMethod: "S256", authUrl: bad }))).toEqual([
      { path: ["authUrl"], message: HTTP_URL_MESSAGE },
    ]);
  });
});
