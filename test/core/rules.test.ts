import { describe, expect, it } from "vitest";
import { isIsoUtcWithSeconds, isUsageLimitType, maskKey, toIsoSeconds, USAGE_LIMIT_TYPES, UUID } from "../../src/core/rules.js";

describe("shared rules", () => {
  it("masks a key to its prefix and last four characters", () => {
    expect(maskKey("sk-or-v1-0123456789abcdef")).toBe("sk-or-v1-…cdef");
    expect(maskKey("sk-or-v1-0123456789ab")).toBe("sk-or-v1-…89ab");
    // Too short to hide anything by showing four: nothing of it is shown.
    expect(maskKey("sk-or-v1-0123456789a")).toBe("sk-or-v1-…");
    expect(maskKey("abcdefghijklmnop")).toBe("…mnop");
    expect(maskKey("")).toBe("…");
  });

  it("writes times as OpenRouter does, whole seconds in UTC", () => {
    expect(toIsoSeconds(Date.UTC(2027, 11, 31, 23, 59, 59, 999))).toBe("2027-12-31T23:59:59Z");
    expect(isIsoUtcWithSeconds("2027-12-31T23:59:59Z")).toBe(true);
    expect(isIsoUtcWithSeconds("2027-12-31T23:59:59.123Z")).toBe(true);
    expect(isIsoUtcWithSeconds("2027-12-31T23:59Z")).toBe(false);
    expect(isIsoUtcWithSeconds("2027-02-30T00:00:00Z")).toBe(false);
    expect(isIsoUtcWithSeconds("2027-12-31T24:00:00Z")).toBe(false);
    expect(isIsoUtcWithSeconds(0)).toBe(false);
  });

  it("knows the usage limit types and UUIDs", () => {
    expect(USAGE_LIMIT_TYPES).toEqual(["daily", "weekly", "monthly"]);
    for (const t of USAGE_LIMIT_TYPES) expect(isUsageLimitType(t)).toBe(true);
    expect(isUsageLimitType("yearly")).toBe(false);
    expect(UUID.test("3F2504E0-4F89-41D3-9A0C-0305E82C3301")).toBe(true);
    expect(UUID.test("3f2504e0-4f89-41d3-9a0c-0305e82c330")).toBe(false);
  });
});
