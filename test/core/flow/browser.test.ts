// The guarded browser globals (src/core/flow/browser.ts, and the storage helpers of attempt-store.ts): safe without a window (server rendering),
// with blocked or broken storage, without WebCrypto, and inside frames.
import { afterEach, describe, expect, it, vi } from "vitest";
import { readJson, removeItem, writeJson } from "../../../src/core/flow/attempt-store.js";
import { randomId } from "../../../src/core/flow/attempt.js";
import { browserWindow, routeOf, storageArea } from "../../../src/core/flow/browser.js";
import { fallbackMode } from "../../../src/core/flow/popup.js";
import { FakeStorage } from "./fake-browser.js";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("without a window (server rendering)", () => {
  it("nothing touches window: no storage, nothing read or written, and the fallback is this tab", () => {
    expect(typeof window).toBe("undefined");
    expect(browserWindow()).toBeUndefined();
    expect(storageArea("session")).toBeUndefined();
    expect(readJson("local", "k")).toBeUndefined();
    expect(writeJson("session", "k", { a: 1 })).toBe(false);
    expect(() => removeItem("session", "k")).not.toThrow();
    expect(fallbackMode()).toBe("redirect");
  });
});

describe("storage", () => {
  it("reads back what it wrote, as JSON, from the area asked for", () => {
    const session = new FakeStorage();
    const local = new FakeStorage();
    vi.stubGlobal("window", { sessionStorage: session, localStorage: local });
    expect(writeJson("session", "k", { a: [1, "b"] })).toBe(true);
    expect(session.getItem("k")).toBe('{"a":[1,"b"]}');
    expect(local.getItem("k")).toBeNull();
    expect(readJson("session", "k")).toEqual({ a: [1, "b"] });
    expect(readJson("local", "k")).toBeUndefined();
    removeItem("session", "k");
    expect(session.getItem("k")).toBeNull();
  });

  it("a stored value that is not JSON reads as nothing", () => {
    const session = new FakeStorage();
    session.setItem("k", "{not json");
    vi.stubGlobal("window", { sessionStorage: session, localStorage: new FakeStorage() });
    expect(readJson("session", "k")).toBeUndefined();
  });

  it("storage whose getter throws (Safari's private mode, a sandboxed frame) is no storage", () => {
    const blocked = {};
    Object.defineProperty(blocked, "sessionStorage", {
      get() {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    });
    vi.stubGlobal("window", blocked);
    expect(storageArea("session")).toBeUndefined();
    expect(writeJson("session", "k", 1)).toBe(false);
  });

  it("a write that throws (a full or refusing storage) says false, and a remove that throws is swallowed", () => {
    const refusing = new FakeStorage();
    refusing.refuseWrites = true;
    refusing.removeItem = () => {
      throw new DOMException("denied", "SecurityError");
    };
    vi.stubGlobal("window", { sessionStorage: refusing, localStorage: refusing });
    expect(writeJson("local", "k", 1)).toBe(false);
    expect(() => removeItem("local", "k")).not.toThrow();
  });
});

describe("randomId", () => {
  it("24 hex characters from WebCrypto, a new one each time", () => {
    const a = randomId();
    expect(a).toMatch(/^[0-9a-f]{24}$/);
    expect(randomId()).not.toBe(a);
  });

  it("without WebCrypto, Math.random's 32 bits as hex (attempt ids are not secrets)", () => {
    vi.stubGlobal("crypto", undefined);
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    expect(randomId()).toBe("80000000");
  });
});

describe("routeOf and fallbackMode", () => {
  it("routeOf: origin and path of an absolute URL, undefined for anything else", () => {
    expect(routeOf("https://app.example/cb?code=1#x")).toBe("https://app.example/cb");
    expect(routeOf("/cb")).toBeUndefined();
    expect(routeOf(undefined)).toBeUndefined();
  });

  it("fallbackMode: paste inside a frame (or under a cross-origin top), redirect in a top window", () => {
    const top = { self: undefined as unknown, top: undefined as unknown };
    top.self = top;
    top.top = top;
    vi.stubGlobal("window", top);
    expect(fallbackMode()).toBe("redirect");
    vi.stubGlobal("window", { self: {}, top: {} });
    expect(fallbackMode()).toBe("paste");
    const framedCrossOrigin = { self: {} };
    Object.defineProperty(framedCrossOrigin, "top", {
      get() {
        throw new DOMException("Blocked a frame from accessing a cross-origin frame.", "SecurityError");
      },
    });
    vi.stubGlobal("window", framedCrossOrigin);
    expect(fallbackMode()).toBe("paste");
  });
});
