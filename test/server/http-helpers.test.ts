// What both route handlers share (src/server/http.ts), on its own: requests and responses from
// other realms or frameworks, origins, authorize's verdicts, audit callbacks, redaction and options.
import { describe, expect, it } from "vitest";
import {
  checkOrigin,
  describe as describeError,
  errorResponse,
  functionOption,
  HttpError,
  isRequest,
  isResponse,
  millisecondsOption,
  notify,
  redact,
  runAuthorize,
  toOrigin,
} from "../../src/server/http.js";

const request = new Request("https://app.example/api", { method: "POST" });

/** What `fn` threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("nothing thrown");
}

describe("duck-typed Request and Response (frameworks and polyfills bring their own)", () => {
  it("takes anything shaped like one, and nothing else", () => {
    expect(isRequest(request)).toBe(true);
    expect(isRequest({ method: "POST", url: "https://a.example/", headers: new Headers() })).toBe(true);
    for (const value of [null, undefined, "https://a.example/", {}, { method: 1, url: "u", headers: new Headers() }, { method: "POST", url: 1, headers: new Headers() }, { method: "POST", url: "u", headers: {} }, { method: "POST", url: "u" }]) {
      expect(isRequest(value), JSON.stringify(value)).toBe(false);
    }
    expect(isResponse(new Response(null))).toBe(true);
    expect(isResponse({ status: 401, headers: new Headers() })).toBe(true);
    for (const value of [null, 401, {}, { status: "401", headers: new Headers() }, { status: 401, headers: {} }, { status: 401 }]) {
      expect(isResponse(value), JSON.stringify(value)).toBe(false);
    }
  });
});

describe("origins", () => {
  it("toOrigin takes scheme, host and port (a trailing slash tolerated) and nothing more", () => {
    expect(toOrigin("https://app.example")).toBe("https://app.example");
    expect(toOrigin("https://app.example/")).toBe("https://app.example");
    expect(toOrigin("http://localhost:5173")).toBe("http://localhost:5173");
    for (const value of ["https://app.example/#", "https://app.example/?", "https://app.example#x", "https://app.example?x=1", "https://app.example/path", "https://user@app.example", "https://u:p@app.example", "ftp://app.example", "app.example", 42, undefined]) {
      expect(toOrigin(value), String(value)).toBeUndefined();
    }
  });

  it("checkOrigin refuses an Origin outside the list naming at most 200 of its characters, and leaves a missing one alone", () => {
    const allowed = new Set(["https://app.example"]);
    expect(() => checkOrigin(new Request("https://app.example/api", { headers: { Origin: "https://app.example" } }), allowed, "No.")).not.toThrow();
    expect(() => checkOrigin(request, allowed, "No.")).not.toThrow();
    const origin = `https://${"a".repeat(300)}.example`;
    const error = thrown(() => checkOrigin(new Request("https://app.example/api", { headers: { Origin: origin } }), allowed, "No.")) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect([error.status, error.message, error.reason]).toEqual([403, "No.", "origin"]);
    expect(error.extra.detail).toBe(`Origin ${JSON.stringify(origin.slice(0, 200))} is not in policy.allowedOrigins`);
  });
});

describe("authorize's verdicts", () => {
  const run = (verdict: unknown) => runAuthorize(() => verdict as never, request, {});

  it("true and { subject } let the request through; a Response of any realm is sent as it is", async () => {
    expect(await run(true)).toEqual({ subject: undefined });
    expect(await run({ subject: "user_1" })).toEqual({ subject: "user_1" });
    const foreign = { status: 401, headers: new Headers() };
    expect(await run(foreign)).toEqual({ response: foreign });
  });

  it("false and anything else refuse with 403, saying which in the audit detail", async () => {
    const refusal = async (verdict: unknown) => (await run(verdict).then(() => undefined, (error: unknown) => error)) as HttpError;
    expect(await refusal(false)).toMatchObject({ status: 403, reason: "authorize", extra: { detail: "authorize returned false" } });
    for (const verdict of [null, undefined, "yes", 0, [], { subject: "" }, { subject: 1 }, { subject: "x".repeat(513) }]) {
      const error = await refusal(verdict);
      expect(error, JSON.stringify(verdict)).toBeInstanceOf(HttpError);
      expect(error.extra.detail).toMatch(/^authorize returned neither true, false, a Response nor \{ subject: string of 1-512 characters \}$/);
    }
  });

  it("a throwing authorize is a 500 whose detail names what it threw", async () => {
    const error = (await runAuthorize(
      () => {
        throw new RangeError("db down");
      },
      request,
      {},
    ).catch((e: unknown) => e)) as HttpError;
    expect(error).toMatchObject({ status: 500, reason: "authorize", extra: { detail: "authorize threw: RangeError: db down" } });
  });
});

describe("audit helpers", () => {
  it("describe: an Error by name and message, a string as it is, anything else without its contents", () => {
    expect(describeError(new TypeError("bad"))).toBe("TypeError: bad");
    expect(describeError("plain words")).toBe("plain words");
    expect(describeError({ secret: "sk-or-v1-x" })).toBe("a non-Error value");
    expect(describeError(undefined)).toBe("a non-Error value");
  });

  it("notify: without a callback nothing happens; a throw or a rejection never escapes", async () => {
    expect(() => notify(undefined, {})).not.toThrow();
    const seen: unknown[] = [];
    notify((event) => seen.push(event), { n: 1 });
    expect(seen).toEqual([{ n: 1 }]);
    expect(() =>
      notify(() => {
        throw new Error("audit log down");
      }, {}),
    ).not.toThrow();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      notify(() => Promise.reject(new Error("audit log down, later")), {});
      // A thenable that is no Promise: its then is called with a rejection handler too.
      let handlers = 0;
      notify(() => ({ then: (_ok: unknown, fail: unknown) => typeof fail === "function" && handlers++ }), {});
      expect(handlers).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("redact: cuts every secret of 4 characters or more, all of its occurrences; shorter or missing ones are left", () => {
    expect(redact("key abcd and abcd again", ["abcd"])).toBe("key [redacted] and [redacted] again");
    expect(redact("key abc stays", ["abc"])).toBe("key abc stays");
    expect(redact("nothing to cut", [undefined, ""])).toBe("nothing to cut");
    expect(redact("two: sk-1234 and code-5678", ["sk-1234", "code-5678"])).toBe("two: [redacted] and [redacted]");
  });
});

describe("answers and options", () => {
  it("errorResponse: OpenRouter's error shape, issues with their paths (a symbol as its name), none when there are none", async () => {
    const withIssues = errorResponse(new HttpError(400, "Bad.", "invalid_body", { issues: [{ path: ["a", 0, Symbol("s")], message: "wrong" }] }));
    expect(await withIssues.json()).toEqual({ error: { code: 400, message: "Bad.", metadata: { issues: [{ path: ["a", 0, "Symbol(s)"], message: "wrong" }] } } });
    expect(withIssues.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(withIssues.headers.get("cache-control")).toBe("no-store");
    expect(await errorResponse(new HttpError(400, "Bad.", "invalid_body", { issues: [] })).json()).toEqual({ error: { code: 400, message: "Bad." } });
    const own = errorResponse(new HttpError(429, "Later.", "quota", { body: { own: true }, headers: { "Retry-After": "5" } }));
    expect(await own.json()).toEqual({ own: true });
    expect(own.headers.get("retry-after")).toBe("5");
  });

  it("millisecondsOption: the default when left out; 1 to 2147483647, fractions rounded up; anything else refused", () => {
    expect(millisecondsOption("f", "t", undefined, 7)).toBe(7);
    expect(millisecondsOption("f", "t", 1, 7)).toBe(1);
    expect(millisecondsOption("f", "t", 0x7fffffff, 7)).toBe(0x7fffffff);
    expect(millisecondsOption("f", "t", 1.2, 7)).toBe(2);
    for (const value of [0, 0.5, -1, 0x7fffffff + 1, Number.NaN, Infinity, "10", null]) {
      expect(thrown(() => millisecondsOption("f", "t", value, 7)), String(value)).toMatchObject({ code: "invalid_request", issues: [{ path: ["t"] }] });
    }
  });

  it("functionOption: a function passes; a missing optional one is undefined; a missing required one and a non-function are refused", () => {
    const fn = () => {};
    expect(functionOption("f", ["cb"], fn, false)).toBe(fn);
    expect(functionOption("f", ["cb"], undefined, false)).toBeUndefined();
    expect(thrown(() => functionOption("f", ["cb"], undefined, "who may"))).toMatchObject({ code: "invalid_request", issues: [{ path: ["cb"], message: "is required: who may" }] });
    expect(thrown(() => functionOption("f", ["cb"], "nope", false))).toMatchObject({ issues: [{ path: ["cb"], message: "must be a function" }] });
    expect(thrown(() => functionOption("f", ["cb"], "nope", "who may"))).toMatchObject({ issues: [{ path: ["cb"], message: "must be a function" }] });
  });
});
