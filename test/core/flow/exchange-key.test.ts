// The exchange registry tells calls apart by code *and* verifier (test/core/exchange-registry.test.ts
// has the rest): the pair is its key, and no other pair, and no missing verifier, may share it.
import { describe, expect, it, vi } from "vitest";
import { exchangeOnce, exchangeOnServerOnce } from "../../../src/core/flow/exchange-registry.js";

const answer = () => Promise.resolve({ key: "sk-or-v1-a", userId: null });

describe("the exchange registry's key", () => {
  it("a space moved from the verifier into the code is another pair: sent, not answered from the first", async () => {
    const send = vi.fn(answer);
    await exchangeOnce("y", send, "v x");
    await exchangeOnce("x y", send, "v");
    expect(send).toHaveBeenCalledTimes(2);
  });

  it("no verifier and an empty one are two calls, in the browser and on the server route", async () => {
    const send = vi.fn(answer);
    await exchangeOnce("key-1", send);
    await exchangeOnce("key-1", send, "");
    await exchangeOnce("key-1", send);
    expect(send).toHaveBeenCalledTimes(2);
    const hint = vi.fn(() => Promise.resolve({ userId: null, keyHint: "sk-or-v1-…abcd" }));
    await exchangeOnServerOnce("key-1", hint);
    await exchangeOnServerOnce("key-1", hint, "");
    await exchangeOnServerOnce("key-1", hint);
    expect(hint).toHaveBeenCalledTimes(2);
  });
});
