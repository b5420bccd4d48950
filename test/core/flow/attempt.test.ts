// One connect attempt's lifecycle (src/core/flow/attempt.ts) on its own: which phase each call may
// leave, what it ends with, and that everything it set up is undone when it ends.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OpenRouterAuthError } from "../../../src/core/errors.js";
import { Attempt } from "../../../src/core/flow/attempt.js";

beforeEach(() => {
  // Only the clock the attempt reads: setImmediate and performance stay real for the suites that run after (vitest.mutation.config.ts shares one module graph).
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

function attempt() {
  const changes: string[] = [];
  const a = new Attempt("popup", (x) => changes.push(x.phase.name === "waiting" ? `waiting:${x.phase.popup ?? "-"}` : x.phase.name === "done" ? `done:${x.phase.outcome}` : x.phase.name));
  return { a, changes };
}
const closed = new OpenRouterAuthError("popup_closed", "closed");

describe("Attempt", () => {
  it("opening → waiting; a sighting changes it only when it is new, never once reported, never when over", () => {
    const { a, changes } = attempt();
    a.wait();
    a.wait("not-seen");
    a.wait("not-seen");
    a.wait("seen");
    a.report(closed);
    a.wait("seen");
    a.wait("hidden");
    expect(changes).toEqual(["waiting:-", "waiting:not-seen", "waiting:seen", "waiting:reported-closed"]);
    a.cancel(); // reported: ends quietly
    expect(a.phase).toEqual({ name: "done", outcome: "dropped" });
    a.wait("seen");
    expect(a.phase).toEqual({ name: "done", outcome: "dropped" });
  });

  it("receive: only while opening or waiting, and once; it clears a reported error", () => {
    const { a } = attempt();
    a.wait("seen");
    a.report(closed);
    expect(a.error).toBe(closed);
    expect(a.receive()).toBe(true);
    expect(a.error).toBeUndefined();
    expect(a.phase).toEqual({ name: "exchanging" });
    expect(a.receive()).toBe(false);
    a.connect({ userId: null, keyHint: "sk-or-v1-…abcd" }, undefined);
    expect(a.phase).toEqual({ name: "done", outcome: "connected" });
    expect(a.receive()).toBe(false);
  });

  it("report: only while waiting", () => {
    const { a, changes } = attempt();
    a.report(closed);
    expect(a.phase).toEqual({ name: "opening" });
    expect(a.error).toBeUndefined();
    expect(changes).toEqual([]);
  });

  it("fail ends it as failed, once; drop ends it quietly, once; Cancel while waiting is a cancelled failure", async () => {
    const failed = attempt();
    failed.a.fail(closed);
    failed.a.fail(new OpenRouterAuthError("timeout", "late"));
    expect(failed.a.phase).toEqual({ name: "done", outcome: "failed" });
    expect(failed.a.error).toBe(closed);
    expect(failed.changes).toEqual(["done:failed"]);
    failed.a.drop();
    expect(failed.a.phase).toEqual({ name: "done", outcome: "failed" });

    const dropped = attempt();
    dropped.a.drop();
    expect(dropped.a.phase).toEqual({ name: "done", outcome: "dropped" });
    expect(await dropped.a.settled).toBeUndefined();

    const cancelled = attempt();
    cancelled.a.wait("seen");
    cancelled.a.cancel();
    expect(cancelled.a.phase).toEqual({ name: "done", outcome: "failed" });
    expect(cancelled.a.error?.code).toBe("cancelled");
  });

  it("undoes what it set up when it ends: listeners, its deadline, cleanups; a cleanup added after the end runs at once", () => {
    const { a } = attempt();
    const target = new EventTarget() as unknown as Window;
    let heard = 0;
    a.listen(target, "focus", () => heard++);
    a.expireIn(60_000);
    expect(a.deadline).toBe(Date.now() + 60_000);
    const cleanup = vi.fn();
    a.onEnd(cleanup);
    target.dispatchEvent(new Event("focus"));
    expect(heard).toBe(1);
    expect(cleanup).not.toHaveBeenCalled();
    expect(a.signal.aborted).toBe(false);

    a.drop();
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(a.signal.aborted).toBe(true);
    target.dispatchEvent(new Event("focus"));
    expect(heard).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    const late = vi.fn();
    a.onEnd(late);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it("the deadline ends it with timeout, or quietly when already reported", () => {
    const { a } = attempt();
    a.wait("seen");
    a.expireIn(1_000);
    vi.advanceTimersByTime(999);
    expect(a.over).toBe(false);
    vi.advanceTimersByTime(1);
    expect(a.error?.code).toBe("timeout");

    const reported = attempt();
    reported.a.wait("seen");
    reported.a.report(closed);
    reported.a.expireIn(1_000);
    vi.advanceTimersByTime(1_000);
    expect(reported.a.phase).toEqual({ name: "done", outcome: "dropped" });
    expect(reported.a.error).toBe(closed);
  });
});
