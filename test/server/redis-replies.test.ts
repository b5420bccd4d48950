// The Redis store's own checks, with a scripted client where a real Redis can't misbehave on cue:
// its options, each reply the quota script could come back with, and the script cache (NOSCRIPT).
// The store on a real redis-server is test/server/redis.test.ts.
import { describe, expect, it } from "vitest";
import { OpenRouterAuthError } from "../../src/core/errors.js";
import { createRedisQuotaStore, type RedisQuotaClient } from "../../src/server/redis.js";

const take = (counters = 2) => ({
  id: "take-1",
  counters: Array.from({ length: counters }, (_, i) => ({ name: `c${i}`, windowSeconds: 60, maxKeys: 1, exposure: 0.5 })),
});

/** A client that answers EVALSHA from `replies` in turn (a function throws), and records every command. */
function scripted(replies: Array<unknown | (() => never)>) {
  const commands: string[][] = [];
  const client: RedisQuotaClient = {
    async sendCommand(args) {
      commands.push(args);
      if (args[0] === "SCRIPT") return "sha-1";
      const reply = replies.shift();
      if (typeof reply === "function") return (reply as () => never)();
      return reply;
    },
  };
  return { client, commands };
}

function refusal(fn: () => unknown): OpenRouterAuthError {
  try {
    fn();
  } catch (error) {
    return error as OpenRouterAuthError;
  }
  throw new Error("accepted");
}

describe("createRedisQuotaStore: options", () => {
  it("refuses what is not a client", () => {
    for (const client of [null, undefined, {}, { sendCommand: "EVAL" }]) {
      expect(refusal(() => createRedisQuotaStore(client as unknown as RedisQuotaClient)).issues?.[0]?.path).toEqual(["client"]);
    }
  });

  it("takes a prefix of 1 to 200 characters", () => {
    const { client } = scripted([]);
    for (const prefix of ["", "x".repeat(201), 5]) {
      expect(refusal(() => createRedisQuotaStore(client, { prefix: prefix as string })).issues?.[0]?.path, String(prefix)).toEqual(["prefix"]);
    }
    expect(() => createRedisQuotaStore(client, { prefix: "x".repeat(200) })).not.toThrow();
    expect(() => createRedisQuotaStore(client, { prefix: "p" })).not.toThrow();
  });
});

describe("createRedisQuotaStore: the script's replies", () => {
  it("reads {0, 0} as taken and {i, ms} as counter i-1 full for that long (rounded up to whole seconds)", async () => {
    const { client, commands } = scripted([[0, 0], [2, 1500], [1, 0]]);
    const store = createRedisQuotaStore(client, { prefix: "p:" });
    expect(await store.take(take())).toEqual({ ok: true });
    expect(await store.take(take())).toEqual({ ok: false, counter: 1, retryAfterSeconds: 2 });
    expect(await store.take(take())).toEqual({ ok: false, counter: 0, retryAfterSeconds: 1 });
    expect(commands[1]).toEqual(["EVALSHA", "sha-1", "4", "p:mints:c0", "p:units:c0", "p:mints:c1", "p:units:c1", "take-1", "60000", "1", "-1", "500000", "60000", "1", "-1", "500000"]);
  });

  it.each([
    ["nothing", null],
    ["a string", "OK"],
    ["a counter below 0", [-1, 0]],
    ["a counter past the last", [3, 0]],
    ["a fractional counter", [0.5, 0]],
    ["no wait", [1]],
    ["an endless wait", [1, Infinity]],
  ])("refuses %s as a reply (the mint route then fails closed)", async (_, reply) => {
    const store = createRedisQuotaStore(scripted([reply]).client);
    await expect(store.take(take())).rejects.toThrow("createRedisQuotaStore: Redis answered the quota script with an unexpected reply.");
  });
});

describe("createRedisQuotaStore: the script cache", () => {
  const noscript = () => {
    throw new Error("NOSCRIPT No matching script. Please use EVAL.");
  };

  it("loads the script again once after NOSCRIPT, and only once", async () => {
    const { client, commands } = scripted([noscript, [0, 0]]);
    const store = createRedisQuotaStore(client);
    expect(await store.take(take(1))).toEqual({ ok: true });
    expect(commands.map((c) => c[0])).toEqual(["SCRIPT", "EVALSHA", "SCRIPT", "EVALSHA"]);
    const twice = scripted([noscript, noscript]);
    await expect(createRedisQuotaStore(twice.client).take(take(1))).rejects.toThrow(/NOSCRIPT/);
    expect(twice.commands.map((c) => c[0])).toEqual(["SCRIPT", "EVALSHA", "SCRIPT", "EVALSHA"]);
  });

  it("another error is passed on at once, whatever it is", async () => {
    const down = scripted([
      () => {
        throw new Error("READONLY You can't write against a read only replica.");
      },
    ]);
    await expect(createRedisQuotaStore(down.client).take(take(1))).rejects.toThrow(/READONLY/);
    expect(down.commands.map((c) => c[0])).toEqual(["SCRIPT", "EVALSHA"]);
    const odd = scripted([
      () => {
        throw null;
      },
    ]);
    await expect(createRedisQuotaStore(odd.client).take(take(1))).rejects.toBeNull();
  });

  it("a failed SCRIPT LOAD is not kept: the next call loads again", async () => {
    let loads = 0;
    const client: RedisQuotaClient = {
      async sendCommand(args) {
        if (args[0] === "SCRIPT") {
          loads++;
          if (loads === 1) throw new Error("LOADING Redis is loading the dataset in memory");
          return "sha-2";
        }
        return [0, 0];
      },
    };
    const store = createRedisQuotaStore(client);
    await expect(store.take(take(1))).rejects.toThrow(/LOADING/);
    expect(await store.take(take(1))).toEqual({ ok: true });
    expect(await store.take(take(1))).toEqual({ ok: true });
    expect(loads).toBe(2);
  });
});
