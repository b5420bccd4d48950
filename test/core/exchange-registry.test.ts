import { describe, expect, it, vi } from "vitest";
import { exchangeOnce } from "../../src/core/flow/exchange-registry.js";

const answer = (key: string) => Promise.resolve({ key, userId: null });

describe("exchangeOnce", () => {
  it("sends a code with its verifier once; later callers share the first answer", async () => {
    const send = vi.fn(() => answer("sk-or-v1-a"));
    const [a, b] = await Promise.all([exchangeOnce("code-1", send, "v1"), exchangeOnce("code-1", send, "v1")]);
    expect(send).toHaveBeenCalledTimes(1);
    expect(b).toBe(a);
  });

  it("sends a reused code with another verifier, so the server refuses it instead of the cache answering", async () => {
    const first = vi.fn(() => answer("sk-or-v1-a"));
    const second = vi.fn(() => Promise.reject(new Error("403")));
    await exchangeOnce("code-3", first, "v1");
    await expect(exchangeOnce("code-3", second, "v2")).rejects.toThrow("403");
    expect(second).toHaveBeenCalledTimes(1);
  });

  it("keeps a failure: retrying a single-use code cannot succeed", async () => {
    const failing = vi.fn(() => Promise.reject(new Error("500")));
    await expect(exchangeOnce("code-4", failing, "v1")).rejects.toThrow("500");
    await expect(exchangeOnce("code-4", failing, "v1")).rejects.toThrow("500");
    expect(failing).toHaveBeenCalledTimes(1);
  });
});
