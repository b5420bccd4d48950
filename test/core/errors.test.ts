import { describe, expect, it } from "vitest";
import {
  isOpenRouterAuthError,
  OpenRouterAuthError,
  toOpenRouterAuthError,
  type OpenRouterAuthErrorCode,
} from "../../src/core/index.js";
import { invalidRequest } from "../../src/core/errors.js";

describe("OpenRouterAuthError", () => {
  it("carries name, code, message, status, retryable, issues and cause", () => {
    const cause = new Error("underlying");
    const issues = [{ path: ["limit"], message: "must be between 0 and 1000000000" }];
    const error = new OpenRouterAuthError("invalid_request", "Invalid request: limit", { status: 400, issues, cause });

    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(OpenRouterAuthError);
    expect(error.name).toBe("OpenRouterAuthError");
    expect(error.code).toBe("invalid_request");
    expect(error.message).toBe("Invalid request: limit");
    expect(error.status).toBe(400);
    expect(error.retryable).toBe(false);
    expect(error.issues).toEqual(issues);
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe("OpenRouterAuthError: Invalid request: limit");
  });

  it("leaves status, issues and cause out when not given", () => {
    const error = new OpenRouterAuthError("forbidden", "no");
    expect(error.status).toBeUndefined();
    expect(error.issues).toBeUndefined();
    expect("cause" in error).toBe(false);
    expect("status" in error).toBe(false);
    expect("issues" in error).toBe(false);
  });

  const retryableByDefault: Array<[OpenRouterAuthErrorCode, boolean]> = [
    ["conflict", true],
    ["rate_limited", true],
    ["server_error", true],
    ["network_error", true],
    ["timeout", true],
    ["invalid_request", false],
    ["unauthorized", false],
    ["forbidden", false],
    ["invalid_code", false],
    ["code_expired", false],
    ["invalid_code_challenge_method", false],
    ["http_error", false],
    ["invalid_response", false],
    ["aborted", false],
    ["unsupported", false],
    ["popup_blocked", false],
    ["popup_closed", false],
    ["access_denied", false],
    ["no_pending_flow", false],
    ["cancelled", false],
  ];
  it.each(retryableByDefault)("%s is retryable=%s by default", (code, retryable) => {
    expect(new OpenRouterAuthError(code, "x").retryable).toBe(retryable);
  });

  it("lets the caller override retryable both ways", () => {
    expect(new OpenRouterAuthError("server_error", "x", { retryable: false }).retryable).toBe(false);
    expect(new OpenRouterAuthError("forbidden", "x", { retryable: true }).retryable).toBe(true);
  });
});

describe("isOpenRouterAuthError", () => {
  it("recognizes instances", () => {
    expect(isOpenRouterAuthError(new OpenRouterAuthError("timeout", "slow"))).toBe(true);
  });

  it("recognizes an error from another copy of the library (same name, string code)", () => {
    const foreign = Object.assign(new Error("other bundle"), { name: "OpenRouterAuthError", code: "timeout" });
    expect(isOpenRouterAuthError(foreign)).toBe(true);
  });

  it.each([
    ["a plain Error", new Error("x")],
    ["an Error with the name but no code", Object.assign(new Error("x"), { name: "OpenRouterAuthError" })],
    ["an Error with the name and a numeric code", Object.assign(new Error("x"), { name: "OpenRouterAuthError", code: 1 })],
    ["a look-alike object that is not an Error", { name: "OpenRouterAuthError", code: "timeout", message: "x" }],
    ["null", null],
    ["undefined", undefined],
    ["a string", "OpenRouterAuthError"],
  ])("rejects %s", (_label, value) => {
    expect(isOpenRouterAuthError(value)).toBe(false);
  });
});

describe("toOpenRouterAuthError", () => {
  it("returns an OpenRouterAuthError unchanged", () => {
    const error = new OpenRouterAuthError("conflict", "busy");
    expect(toOpenRouterAuthError(error)).toBe(error);
  });

  it("maps AbortError to aborted and TimeoutError to timeout", () => {
    const abort = new DOMException("stop", "AbortError");
    expect(toOpenRouterAuthError(abort)).toMatchObject({ code: "aborted", cause: abort, retryable: false });
    const timeout = new DOMException("slow", "TimeoutError");
    expect(toOpenRouterAuthError(timeout)).toMatchObject({ code: "timeout", cause: timeout, retryable: true });
  });

  it("wraps anything else with the fallback code and without leaking its text", () => {
    const secret = new Error("fetch failed for sk-or-v1-0123456789abcdef");
    const wrapped = toOpenRouterAuthError(secret);
    expect(wrapped.code).toBe("network_error");
    expect(wrapped.cause).toBe(secret);
    expect(wrapped.message).not.toContain("sk-or-v1");
    expect(String(wrapped)).not.toContain("sk-or-v1");
    expect(toOpenRouterAuthError("boom", "invalid_response").code).toBe("invalid_response");
  });
});

describe("invalidRequest", () => {
  it("names every offending path in the message and keeps the issues", () => {
    const issues = [
      { path: ["callbackUrl"], message: "must use https" },
      { path: ["data", 0, "id"], message: "must be a string" },
      { path: [], message: "must be an object" },
    ];
    const error = invalidRequest(issues);
    expect(error.code).toBe("invalid_request");
    expect(error.retryable).toBe(false);
    expect(error.issues).toEqual(issues);
    expect(error.message).toBe("Invalid request: callbackUrl: must use https; data.0.id: must be a string; must be an object");
  });
});
