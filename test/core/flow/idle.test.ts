// safely(): how a flow calls its users back. A callback that throws must not break the flow, and its
// error is not swallowed either: it surfaces on its own, in a microtask. No callback: nothing at all.
import { afterEach, describe, expect, it, vi } from "vitest";
import { safely } from "../../../src/core/flow/idle.js";

afterEach(() => vi.restoreAllMocks());

describe("safely", () => {
  it("calls the callback once, and schedules nothing when it returns", () => {
    const later = vi.spyOn(globalThis, "queueMicrotask");
    const callback = vi.fn();
    safely(callback);
    expect(callback).toHaveBeenCalledTimes(1);
    expect(later).not.toHaveBeenCalled();
  });

  it("no callback: nothing runs and nothing is scheduled (no TypeError surfacing later)", () => {
    const later = vi.spyOn(globalThis, "queueMicrotask");
    expect(() => safely(undefined)).not.toThrow();
    expect(later).not.toHaveBeenCalled();
  });

  it("a callback that throws: the caller goes on, and the same error is thrown again in a microtask", () => {
    const later = vi.spyOn(globalThis, "queueMicrotask").mockImplementation(() => {});
    const error = new Error("the app's bug");
    expect(() =>
      safely(() => {
        throw error;
      }),
    ).not.toThrow();
    expect(later).toHaveBeenCalledTimes(1);
    const rethrow = later.mock.calls[0]?.[0] as () => void;
    expect(rethrow).toThrow(error);
  });
});
