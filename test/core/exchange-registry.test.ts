import { describe, expect, it, vi } from "vitest";
import { exchangeOnce, exchangeOnServerOnce } from "../../src/core/flow/exchange-registry.js";

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

describe("exchangeOnce: bounded memory and the server's registry", () => {
  it("remembers the last 100 codes: the 101st newer one pushes the oldest out, which is then sent again", async () => {
    const send = vi.fn(() => answer("sk-or-v1-b"));
    for (let i = 0; i < 101; i++) await exchangeOnce(`bounded-${i}`, send, "v");
    expect(send).toHaveBeenCalledTimes(101);
    // The newest 100 are still remembered...
    await exchangeOnce("bounded-1", send, "v");
    await exchangeOnce("bounded-100", send, "v");
    expect(send).toHaveBeenCalledTimes(101);
    // ...the oldest is not.
    await exchangeOnce("bounded-0", send, "v");
    expect(send).toHaveBeenCalledTimes(102);
  });

  it("on the server route: once per code and verifier; a code without a verifier is its own entry", async () => {
    const hint = { userId: null, keyHint: "sk-or-v1-…abcd" };
    const send = vi.fn(() => Promise.resolve(hint));
    await Promise.all([exchangeOnServerOnce("server-1", send, "v1"), exchangeOnServerOnce("server-1", send, "v1")]);
    expect(send).toHaveBeenCalledTimes(1);
    await exchangeOnServerOnce("server-1", send, "v2");
    expect(send).toHaveBeenCalledTimes(2);
    await exchangeOnServerOnce("server-1", send);
    await exchangeOnServerOnce("server-1", send);
    expect(send).toHaveBeenCalledTimes(3);
  });
});
