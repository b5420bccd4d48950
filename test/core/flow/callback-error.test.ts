// What a page returned to makes of OpenRouter's `?error=` (RFC 6749 4.1.2.1), and what counts as a
// callback message between windows: small rules, each at its edges.
import { describe, expect, it } from "vitest";
import { callbackError } from "../../../src/core/flow/callback.js";
import { CALLBACK_MESSAGE_TYPE, isCallbackMessage } from "../../../src/core/flow/popup-channel.js";

describe("callbackError", () => {
  it.each([
    ["access_denied", "access_denied", false],
    ["repeated_parameter", "invalid_request", false],
    ["server_error", "server_error", true],
    ["temporarily_unavailable", "server_error", true],
    ["invalid_request", "invalid_request", false],
    ["invalid_scope", "access_denied", false],
    ["", "access_denied", false],
  ])("%s is %s (retryable: %s)", (error, code, retryable) => {
    const mapped = callbackError(error);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
  });

  it("shows OpenRouter's value cleaned to word characters, dots and dashes, and at most 40 of them", () => {
    expect(callbackError("server_error").message).toContain("(server_error)");
    const hostile = `<img src=x onerror=alert(1)>${"a".repeat(60)}`;
    const message = callbackError(hostile).message;
    expect(message).not.toMatch(/[<>=()]{2}/);
    const said = /\(([^)]*)\)/.exec(message)?.[1] ?? "";
    expect(said).toBe("imgsrcxonerroralert1aaaaaaaaaaaaaaaaaaaa".slice(0, 40));
    expect(said).toHaveLength(40);
    expect(callbackError("odd.value-1").message).toContain("(odd.value-1)");
  });
});

describe("isCallbackMessage", () => {
  const valid = { type: CALLBACK_MESSAGE_TYPE, attemptId: "a1", code: "c" };
  it("takes our type, an attempt id or null, and a code or an error", () => {
    expect(isCallbackMessage(valid)).toBe(true);
    expect(isCallbackMessage({ ...valid, attemptId: null })).toBe(true);
    expect(isCallbackMessage({ type: CALLBACK_MESSAGE_TYPE, attemptId: "a1", error: "access_denied" })).toBe(true);
  });

  it.each([
    ["null", null],
    ["a string", CALLBACK_MESSAGE_TYPE],
    ["another type", { ...valid, type: "other" }],
    ["no attempt id", { type: CALLBACK_MESSAGE_TYPE, code: "c" }],
    ["a numeric attempt id", { ...valid, attemptId: 1 }],
    ["neither code nor error", { type: CALLBACK_MESSAGE_TYPE, attemptId: "a1" }],
    ["a numeric code", { type: CALLBACK_MESSAGE_TYPE, attemptId: "a1", code: 1 }],
  ])("refuses %s", (_, value) => {
    expect(isCallbackMessage(value)).toBe(false);
  });
});
