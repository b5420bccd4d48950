// The schemas' edges that the request and response tests pass by: the exchange route's keyHint at
// its exact bounds, input that is no object at all, and fields given as undefined.
import { describe, expect, it } from "vitest";
import { OpenRouterAuthError } from "../../src/core/errors.js";
import {
  createAuthKeysCodeRequestSchema,
  parseCreateAuthKeysCodeWireBody,
  parseRequest,
  parseResponse,
  serverExchangeResponseSchema,
  toCreateAuthKeysCodeWireBody,
} from "../../src/core/schemas.js";

const CB = "https://app.example/cb";

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OpenRouterAuthError);
    return (error as OpenRouterAuthError).issues;
  }
  throw new Error("accepted");
}

describe("serverExchangeResponseSchema's keyHint", () => {
  it("is 1 to 40 characters: a whole key can never pass as a hint", () => {
    const parse = (keyHint: unknown) => parseResponse(serverExchangeResponseSchema, { userId: null, keyHint }, "exchangeAuthCodeOnServer");
    expect(parse("x").keyHint).toBe("x");
    expect(parse("x".repeat(40)).keyHint).toHaveLength(40);
    for (const keyHint of ["", "x".repeat(41), 40, null]) {
      expect(issuesOf(() => parse(keyHint))?.[0]?.path, JSON.stringify(keyHint)).toEqual(["keyHint"]);
    }
  });
});

describe("input that is no object", () => {
  it("a request that is not an object is refused at its root, saying an object was expected", () => {
    for (const input of [5, "callbackUrl", null, [CB]]) {
      expect(issuesOf(() => parseRequest(createAuthKeysCodeRequestSchema, input)), JSON.stringify(input)).toEqual([{ path: [], message: "must be an object" }]);
    }
  });

  it("a wire body that is not a JSON object is refused before any field is read", () => {
    for (const body of [null, "callback_url", 1, [{ callback_url: CB }]]) {
      expect(issuesOf(() => parseCreateAuthKeysCodeWireBody(body)), JSON.stringify(body)).toEqual([{ path: [], message: "body must be a JSON object" }]);
    }
  });

  it("unknown keys are named each at its own path, in wire and camel bodies alike", () => {
    expect(issuesOf(() => parseCreateAuthKeysCodeWireBody({ callback_url: CB, a: 1, b: 2 }))?.map((i) => i.path)).toEqual([["a"], ["b"]]);
    expect(issuesOf(() => parseRequest(createAuthKeysCodeRequestSchema, { callbackUrl: CB, a: 1, b: 2 }))?.map((i) => i.path)).toEqual([["a"], ["b"]]);
  });
});

describe("fields given as undefined", () => {
  it("are left out of the wire body, not sent as keys without a value", () => {
    const body = toCreateAuthKeysCodeWireBody({ callbackUrl: CB, limit: undefined, keyLabel: undefined, expiresAt: undefined });
    expect(Object.keys(body)).toEqual(["callback_url"]);
  });

  it("issues of a wire body name wire fields", () => {
    expect(issuesOf(() => parseCreateAuthKeysCodeWireBody({ callback_url: CB, key_label: "" }))?.[0]?.path).toEqual(["key_label"]);
  });
});
