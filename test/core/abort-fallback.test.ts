// Safari before 17.4 has no AbortSignal.any, before 16 no AbortSignal.timeout: the client
// must work without both, and must not leave a listener on the caller's signal or a timer behind.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createOpenRouterAuthClient, OpenRouterAuthError } from "../../src/core/index.js";

const EXCHANGED = { key: "sk-or-v1-user-7688157716fb1a5271146f7464951c96", user_id: "user_1" };
const CODE = "auth_code_abc123def456";

const statics = AbortSignal as unknown as Record<"any" | "timeout", unknown>;
const saved = { any: statics.any, timeout: statics.timeout };

beforeEach(() => {
  statics.any = undefined;
  statics.timeout = undefined;
});
afterEach(() => {
  statics.any = saved.any;
  statics.timeout = saved.timeout;
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A fetch that behaves like the real one: answers after `ms` (never if undefined), rejects with the signal's reason on abort. */
function fetchAnswering(ms: number | undefined, signals: AbortSignal[] = []): typeof fetch {
  return (_input, init) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init!.signal!;
      signals.push(signal);
      const timer = ms === undefined ? undefined : setTimeout(() => resolve(Response.json(EXCHANGED)), ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      });
    });
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
}

describe("without AbortSignal.any and AbortSignal.timeout", () => {
  it("really runs without them", () => {
    expect(AbortSignal.any).toBeUndefined();
    expect(AbortSignal.timeout).toBeUndefined();
  });

  it("succeeds with and without a caller's signal", async () => {
    const client = createOpenRouterAuthClient({ fetch: fetchAnswering(5) });
    await expect(client.exchangeAuthCode({ code: CODE })).resolves.toStrictEqual({ key: EXCHANGED.key, userId: "user_1" });
    await expect(client.exchangeAuthCode({ code: CODE }, { signal: new AbortController().signal })).resolves.toMatchObject({ key: EXCHANGED.key });
  });

  it("a caller's abort during the request → aborted, with the caller's reason as cause", async () => {
    const caller = new AbortController();
    const pending = outcome(createOpenRouterAuthClient({ fetch: fetchAnswering(undefined) }).exchangeAuthCode({ code: CODE }, { signal: caller.signal }));
    const reason = new Error("user left");
    setTimeout(() => caller.abort(reason), 5);
    const error = await pending;
    expect(error).toBeInstanceOf(OpenRouterAuthError);
    expect(error).toMatchObject({ code: "aborted", message: "The request was aborted.", cause: reason });
  });

  it.each([
    ["without", false],
    ["with", true],
  ])("the deadline → timeout, %s a caller's signal", async (_label, withSignal) => {
    const client = createOpenRouterAuthClient({ fetch: fetchAnswering(undefined), timeoutMs: 20 });
    const error = await outcome(client.exchangeAuthCode({ code: CODE }, withSignal ? { signal: new AbortController().signal } : {}));
    expect(error).toBeInstanceOf(OpenRouterAuthError);
    expect(error).toMatchObject({ code: "timeout", retryable: true, message: "OpenRouter did not answer within 20 ms." });
  });

  it("any other failure → network_error", async () => {
    const cause = new TypeError("fetch failed");
    const client = createOpenRouterAuthClient({ fetch: () => Promise.reject(cause) });
    const error = await outcome(client.exchangeAuthCode({ code: CODE }, { signal: new AbortController().signal }));
    expect(error).toMatchObject({ code: "network_error", message: "Could not reach https://openrouter.ai.", cause });
  });

  it("a timeoutMs above setTimeout's 2^31-1 ms limit does not fire at once", async () => {
    const client = createOpenRouterAuthClient({ fetch: fetchAnswering(30), timeoutMs: 0xffffffff });
    await expect(client.exchangeAuthCode({ code: CODE })).resolves.toMatchObject({ key: EXCHANGED.key });
  });
});

describe("nothing is left behind", () => {
  // settledAtMs: when the call ends; the deadline is at 50 ms, so a timer not cleared is still pending then.
  const outcomes: Array<[string, { answerMs: number | undefined; reject?: boolean; abortAtMs?: number; settledAtMs: number }, string | undefined]> = [
    ["success", { answerMs: 0, settledAtMs: 0 }, undefined],
    ["caller abort", { answerMs: undefined, abortAtMs: 10, settledAtMs: 10 }, "aborted"],
    ["deadline", { answerMs: undefined, settledAtMs: 50 }, "timeout"],
    ["network failure", { answerMs: undefined, reject: true, settledAtMs: 0 }, "network_error"],
  ];

  it.each(outcomes)("after %s: the caller's listener is removed, the timer cleared, the request's signal left alone", async (_label, how, code) => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const caller = new AbortController();
    const add = vi.spyOn(caller.signal, "addEventListener");
    const remove = vi.spyOn(caller.signal, "removeEventListener");
    const signals: AbortSignal[] = [];
    const fetch: typeof globalThis.fetch = how.reject
      ? (_input, init) => {
          signals.push(init!.signal!);
          return Promise.reject(new TypeError("fetch failed"));
        }
      : fetchAnswering(how.answerMs, signals);
    const pending = outcome(createOpenRouterAuthClient({ fetch, timeoutMs: 50 }).exchangeAuthCode({ code: CODE }, { signal: caller.signal }));
    if (how.abortAtMs !== undefined) setTimeout(() => caller.abort(), how.abortAtMs);
    await vi.advanceTimersByTimeAsync(how.settledAtMs);
    const result = await pending;
    if (code) expect(result).toMatchObject({ code });
    else expect(result).toMatchObject({ value: { key: EXCHANGED.key } });

    expect(add).toHaveBeenCalledTimes(1);
    const [type, listener] = add.mock.calls[0]!;
    expect(remove).toHaveBeenCalledWith(type, listener);
    expect(vi.getTimerCount()).toBe(0);
    // A late abort by the caller reaches nothing any more.
    const aborted = signals[0]!.aborted;
    caller.abort();
    expect(signals[0]!.aborted).toBe(aborted);
  });

  it("a signal aborted before the call leaves no listener or timer and starts no request", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const caller = new AbortController();
    caller.abort();
    const add = vi.spyOn(caller.signal, "addEventListener");
    const remove = vi.spyOn(caller.signal, "removeEventListener");
    const fetch = vi.fn(fetchAnswering(0));
    const error = await outcome(createOpenRouterAuthClient({ fetch }).exchangeAuthCode({ code: CODE }, { signal: caller.signal }));
    expect(error).toMatchObject({ code: "aborted" });
    expect(fetch).not.toHaveBeenCalled();
    expect(add.mock.calls.length).toBe(remove.mock.calls.length);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("a custom fetch that ignores its signal", () => {
  const deaf: typeof fetch = () => new Promise<Response>(() => {});

  it("still ends at the deadline with timeout", async () => {
    const started = Date.now();
    await expect(createOpenRouterAuthClient({ fetch: deaf, timeoutMs: 30 }).exchangeAuthCode({ code: CODE })).rejects.toMatchObject({ code: "timeout" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("still ends on the caller's abort with aborted", async () => {
    const caller = new AbortController();
    const pending = createOpenRouterAuthClient({ fetch: deaf }).exchangeAuthCode({ code: CODE }, { signal: caller.signal });
    setTimeout(() => caller.abort(), 5);
    await expect(pending).rejects.toBeInstanceOf(OpenRouterAuthError);
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
  });

  it("still ends when the body never finishes", async () => {
    const stalled: typeof fetch = async () => new Response(new ReadableStream({ start() {} }), { status: 200 });
    await expect(createOpenRouterAuthClient({ fetch: stalled, timeoutMs: 30 }).exchangeAuthCode({ code: CODE })).rejects.toMatchObject({ code: "timeout" });
  });
});

describe("a signal that is not an AbortSignal", () => {
  it("is refused as invalid_request before any request, and leaves no timer to reject later", async () => {
    const client = createOpenRouterAuthClient({ fetch: fetchAnswering(5), timeoutMs: 30 });
    await expect(client.exchangeAuthCode({ code: CODE }, { signal: { aborted: false } as never })).rejects.toMatchObject({
      code: "invalid_request",
      issues: [{ path: ["signal"], message: "must be an AbortSignal" }],
    });
    // Past the deadline: an uncleared timer would now reject a promise nobody awaits (vitest fails the run on that).
    await new Promise((r) => setTimeout(r, 60));
  });
});
