// What createExchangeHandler remembers of past exchanges: which outcomes a repeated post shares,
// how many it keeps (10,000), and what a slow failure may forget. OpenRouter is the emulator's
// own app, called in process (thousands of exchanges, no sockets needed to tell them apart).
import { afterEach, describe, expect, it, vi } from "vitest";
import { createOpenRouterEmulatorApp } from "../../src/emulator/index.js";
import { createExchangeHandler, type RefusedEvent } from "../../src/server/index.js";
import { APP, call, jsonRequest } from "./support.js";

const ROUTE = `${APP}/api/openrouter/exchange`;
const MAX_REMEMBERED = 10_000;
const VERIFIER = "v".repeat(43);

afterEach(() => {
  vi.restoreAllMocks();
});

/** A handler whose OpenRouter is the emulator in process; `calls` counts what reached it; `gate` may hold a call. */
function setup(options: { gate?: (call: number) => Promise<void> } = {}) {
  const openRouter = createOpenRouterEmulatorApp({ maxRecords: 3 * MAX_REMEMBERED });
  let calls = 0;
  const refused: RefusedEvent[] = [];
  const handler = createExchangeHandler({
    baseUrl: "https://openrouter.test/api/v1",
    fetch: async (input, init) => {
      const n = ++calls;
      await options.gate?.(n);
      return openRouter.handle(new Request(input, init));
    },
    authorize: () => ({ subject: "alice" }),
    onKey: () => {},
    onRefused: (event) => void refused.push(event),
    policy: { allowedOrigins: [APP] },
  });
  // Codes the emulator never issued: it refuses each (403, remembered like any refusal).
  const post = (code: string) => call(handler, jsonRequest({ code, codeVerifier: VERIFIER, codeChallengeMethod: "S256" }, { url: ROUTE }));
  return { openRouter, handler, post, calls: () => calls, refused };
}

describe("createExchangeHandler: what it remembers", () => {
  it("outcomes of other codes in between do not push one out", async () => {
    const { post, calls } = setup();
    expect((await post("code-a")).status).toBe(403);
    expect((await post("code-b")).status).toBe(403);
    expect((await post("code-a")).status).toBe(403);
    expect((await post("code-b")).status).toBe(403);
    expect(calls()).toBe(2);
  });

  it(`keeps ${MAX_REMEMBERED} outcomes: the next pushes out the oldest, and an expired one is let go first`, { timeout: 60_000 }, async () => {
    let now = Date.UTC(2030, 0, 1);
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const { post, calls } = setup();
    await post("renewed");
    now += 1;
    await post("oldest");
    now += 10 * 60_000 - 1; // "renewed" expires exactly now, "oldest" a millisecond later
    await post("renewed"); // exchanged again, and remembered as the newest: "oldest" is now the oldest
    expect(calls()).toBe(3);
    for (let i = 0; i < MAX_REMEMBERED - 2; i++) await post(`code-${i}`);
    expect(calls()).toBe(MAX_REMEMBERED + 1);
    await post("renewed"); // full, not over: all still remembered
    await post("oldest");
    expect(calls()).toBe(MAX_REMEMBERED + 1);
    await post("one-more"); // pushes out "oldest", and only it
    await post("renewed");
    await post("code-0");
    expect(calls()).toBe(MAX_REMEMBERED + 2);
    await post("oldest");
    expect(calls()).toBe(MAX_REMEMBERED + 3);
  });

  it("an exchange that failed after its memory expired does not make the handler forget the newer one", async () => {
    let now = Date.UTC(2030, 0, 1);
    vi.spyOn(Date, "now").mockImplementation(() => now);
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const { openRouter, post, calls } = setup({ gate: (n) => (n === 1 ? firstHeld : Promise.resolve()) });
    const first = post("slow");
    await vi.waitFor(() => expect(calls()).toBe(1));
    now += 10 * 60_000;
    // The first is still in flight, but forgotten: the same post is exchanged again (and refused).
    expect((await post("slow")).status).toBe(403);
    expect(calls()).toBe(2);
    openRouter.faults.failNext("exchange", { status: 500 });
    releaseFirst();
    expect((await first).status).toBe(502);
    // The 502 is forgotten, the newer refusal is not.
    expect((await post("slow")).status).toBe(403);
    expect(calls()).toBe(2);
  });

  it("an exchange that failed after another post pushed its expired memory out settles without a trace", async () => {
    let now = Date.UTC(2030, 0, 1);
    vi.spyOn(Date, "now").mockImplementation(() => now);
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const { openRouter, post, calls } = setup({ gate: (n) => (n === 1 ? firstHeld : Promise.resolve()) });
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => void rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      const first = post("slow");
      await vi.waitFor(() => expect(calls()).toBe(1));
      now += 10 * 60_000;
      await post("other"); // remembering it lets the expired "slow" go
      openRouter.faults.failNext("exchange", { status: 500 });
      releaseFirst();
      expect((await first).status).toBe(502);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(rejections).toEqual([]);
      expect((await post("slow")).status).toBe(403);
      expect(calls()).toBe(3);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });
});

describe("createExchangeHandler: a failure of its own", () => {
  it("a Request-like object whose headers throw is a generic 500, refused as internal", async () => {
    const { handler, refused, calls } = setup();
    const broken = {
      method: "POST",
      url: ROUTE,
      headers: {
        get: () => {
          throw new Error("a header getter that breaks");
        },
      },
    };
    const answer = await call(handler, broken as unknown as Request);
    expect(answer.status).toBe(500);
    expect(answer.json.error?.message).toBe("Internal server error.");
    expect(refused).toMatchObject([{ status: 500, reason: "internal", detail: expect.stringContaining("a header getter that breaks") }]);
    expect(calls()).toBe(0);
  });
});
