// The spec checker must be able to say no, or the wire checks prove nothing.
import { describe, expect, it } from "vitest";
import { check, requestSchema, responseSchema } from "./openapi.js";

describe("the OpenAPI checker", () => {
  it("accepts the spec's own examples", () => {
    expect(check(requestSchema("POST /api/v1/auth/keys/code"), { callback_url: "https://myapp.com/auth/callback", code_challenge_method: "S256", limit: 100 })).toEqual([]);
    expect(check(responseSchema("POST /api/v1/auth/keys", 200), { key: "sk-or-v1-0e6f", user_id: null })).toEqual([]);
    expect(check(responseSchema("POST /api/v1/auth/keys", 403), { error: { code: 403, message: "Invalid code or code_verifier", metadata: { a: 1 } } })).toEqual([]);
  });

  it("finds wrong types, missing fields, bad enums, lengths and formats", () => {
    const create = requestSchema("POST /api/v1/auth/keys/code");
    expect(check(create, {})).toEqual(["$.callback_url: required"]);
    expect(check(create, { callback_url: "not a uri" })).toEqual(["$.callback_url: not a uri"]);
    expect(check(create, { callback_url: "https://a.b", limit: "5" })).toEqual(["$.limit: expected number, got string"]);
    expect(check(create, { callback_url: "https://a.b", code_challenge_method: "S512" })).toHaveLength(1);
    expect(check(create, { callback_url: "https://a.b", key_label: "x".repeat(101) })).toEqual(["$.key_label: longer than 100"]);
    expect(check(create, { callback_url: "https://a.b", expires_at: "2030-01-01T00:00Z" })).toEqual(["$.expires_at: not a date-time"]);
    expect(check(create, { callback_url: "https://a.b", expires_at: null, workspace_id: "nope" })).toEqual(["$.workspace_id: not a uuid"]);
    expect(check(create, { callback_url: "https://a.b", extra: 1 })).toEqual([]);
    expect(check(create, { callback_url: "https://a.b", extra: 1 }, { closed: true })).toEqual(["$.extra: not in the spec"]);
    expect(check(responseSchema("POST /api/v1/auth/keys/code", 200), { data: { id: "x", app_id: 1.5, created_at: "now" } })).toEqual([
      "$.data.app_id: expected integer, got number",
    ]);
    expect(check(responseSchema("GET /api/v1/key", 401), { error: "Unauthorized" })).toEqual(["$.error: expected object, got string"]);
    const key = responseSchema("GET /api/v1/key", 200);
    expect(check(key, { data: {} }).length).toBeGreaterThan(20);
  });

  it("refuses keywords it does not implement", () => {
    expect(() => check({ type: "string", pattern: "^a$" }, "a")).toThrow(/unsupported schema keyword "pattern"/);
    expect(() => check({ type: "string", format: "email" }, "a")).toThrow(/unsupported format/);
  });
});
