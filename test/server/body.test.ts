// The request body at its boundaries, through the mint handler (the exchange handler reads it the
// same way): content types, the exact size cap, declared sizes, chunks, UTF-8, the deadline.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { createMintHandler, DEFAULT_BODY_TIMEOUT_MS, MAX_MINT_BODY_BYTES, type MintHandler, type RefusedEvent } from "../../src/server/index.js";
import { APP, APP_KEY, call, expectError, jsonRequest, read, ROUTE, wireBody } from "./support.js";

let emulator: RunningOpenRouterEmulator;
beforeAll(async () => {
  emulator = await startOpenRouterEmulator({ apiKeys: [APP_KEY] });
});
afterEach(() => {
  emulator.reset();
  vi.useRealTimers();
});
afterAll(() => emulator.close());

function handler(options: { bodyTimeoutMs?: number; onRefused?: (e: RefusedEvent) => void; authorize?: () => boolean } = {}): MintHandler {
  return createMintHandler({
    apiKey: APP_KEY,
    baseUrl: emulator.apiBaseUrl,
    authorize: options.authorize ?? (() => true),
    policy: { maxLimit: 10, maxLifetimeSeconds: 3600, allowedOrigins: [APP] },
    bodyTimeoutMs: options.bodyTimeoutMs,
    onRefused: options.onRefused,
  });
}

/** A valid mint body padded with spaces (still valid JSON) to exactly `size` bytes. */
async function paddedBody(size: number): Promise<string> {
  const json = JSON.stringify(await wireBody());
  return json.slice(0, -1) + " ".repeat(size - json.length) + "}";
}

function streamed(chunks: Uint8Array[], headers: Record<string, string> = {}): { request: Request; pulls: () => number } {
  let index = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[index++];
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request(ROUTE, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json", ...headers }, body, duplex: "half" } as RequestInit);
  return { request, pulls: () => index };
}

describe("the request body", () => {
  it("answers 405 with Allow: POST to anything but POST", async () => {
    for (const method of ["GET", "PUT", "OPTIONS", "DELETE"]) {
      const answer = await call(handler(), jsonRequest(undefined, { method }));
      expectError(answer, 405);
      expect(answer.headers.get("allow")).toBe("POST");
    }
  });

  it("must be sent as JSON: no Content-Type, another type or another charset is a 400", async () => {
    const body = JSON.stringify(await wireBody());
    const refused: RefusedEvent[] = [];
    const h = handler({ onRefused: (e) => void refused.push(e) });
    // Bytes, not a string: fetch gives a string body a text/plain type of its own.
    const noType = jsonRequest(new TextEncoder().encode(body), { contentType: null });
    expect(noType.headers.get("content-type")).toBeNull();
    expectError(await call(h, noType), 400, "Request body must be JSON (Content-Type: application/json).");
    expectError(await call(h, jsonRequest(body, { contentType: "text/plain" })), 400, /Content-Type/);
    expectError(await call(h, jsonRequest(body, { contentType: "application/x-www-form-urlencoded" })), 400, /Content-Type/);
    expectError(await call(h, jsonRequest(body, { contentType: "application/json; charset=latin1" })), 400, /Content-Type/);
    expect(refused.map((e) => [e.reason, e.detail])).toEqual([
      ["invalid_body", "no Content-Type"],
      ["invalid_body", 'Content-Type "text/plain"'],
      ["invalid_body", 'Content-Type "application/x-www-form-urlencoded"'],
      ["invalid_body", 'Content-Type "application/json; charset=latin1"'],
    ]);
    expect((await call(h, jsonRequest(body, { contentType: "application/json; charset=UTF-8" }))).status).toBe(200);
  });

  it("must be JSON, and UTF-8: invalid bytes are refused, not turned into U+FFFD", async () => {
    expectError(await call(handler(), jsonRequest("{not json")), 400, "Request body must be valid JSON.");
    expectError(await call(handler(), jsonRequest("")), 400, "Request body must be valid JSON.");
    const json = new TextEncoder().encode(JSON.stringify(await wireBody({ key_label: "Caf_" })));
    const invalid = json.slice();
    invalid[invalid.indexOf("_".charCodeAt(0))] = 0xff; // a byte that is never UTF-8
    const refused: RefusedEvent[] = [];
    expectError(await call(handler({ onRefused: (e) => void refused.push(e) }), jsonRequest(invalid)), 400, "Request body must be UTF-8 encoded JSON.");
    expect(refused).toMatchObject([{ reason: "invalid_body", detail: "invalid UTF-8" }]);
    expect(emulator.codesIssued()).toHaveLength(0);
  });

  it("takes a body of exactly MAX_MINT_BODY_BYTES and refuses one byte more with 413", async () => {
    const exact = await paddedBody(MAX_MINT_BODY_BYTES);
    expect(new TextEncoder().encode(exact).byteLength).toBe(MAX_MINT_BODY_BYTES);
    expect((await call(handler(), jsonRequest(exact))).status).toBe(200);
    const over = await paddedBody(MAX_MINT_BODY_BYTES + 1);
    expectError(await call(handler(), jsonRequest(over)), 413, `Request body must be at most ${MAX_MINT_BODY_BYTES} bytes.`);
    // The same without Content-Length: streamed, cut at the cap.
    const bytes = new TextEncoder().encode(over);
    const chunked = streamed([bytes.slice(0, 10_000), bytes.slice(10_000)]);
    expectError(await call(handler(), chunked.request), 413);
    const fits = new TextEncoder().encode(exact);
    expect((await call(handler(), streamed([fits.slice(0, 10_000), fits.slice(10_000)]).request)).status).toBe(200);
  });

  it("refuses a declared-too-large Content-Length before reading a byte", async () => {
    const body = new TextEncoder().encode(JSON.stringify(await wireBody()));
    const { request, pulls } = streamed([body], { "Content-Length": String(MAX_MINT_BODY_BYTES + 1) });
    expect(request.headers.get("content-length")).toBe(String(MAX_MINT_BODY_BYTES + 1));
    const refused: RefusedEvent[] = [];
    expectError(await call(handler({ onRefused: (e) => void refused.push(e) }), request), 413);
    expect(pulls()).toBe(0);
    expect(refused).toMatchObject([{ reason: "body_too_large", detail: `Content-Length ${MAX_MINT_BODY_BYTES + 1}` }]);
    // Exactly the cap, declared: read.
    const atCap = streamed([new TextEncoder().encode(await paddedBody(MAX_MINT_BODY_BYTES))], { "Content-Length": String(MAX_MINT_BODY_BYTES) });
    expect((await call(handler(), atCap.request)).status).toBe(200);
  });

  it("joins a body sent in many small chunks in order, a character split across two of them included", async () => {
    const label = "Café ✓ naïve 🔑";
    const bytes = new TextEncoder().encode(JSON.stringify(await wireBody({ key_label: label })));
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.slice(i, i + 7));
    const { request, pulls } = streamed(chunks);
    expect((await call(handler(), request)).status).toBe(200);
    expect(pulls()).toBeGreaterThan(10);
    expect(emulator.codesIssued()[0]?.keyLabel).toBe(label);
  });

  it("cuts a body without Content-Length that never ends at the cap", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024;
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    const request = new Request(ROUTE, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json" }, body: endless, duplex: "half" } as RequestInit);
    expectError(await call(handler(), request), 413);
    expect(pulled).toBeLessThanOrEqual(MAX_MINT_BODY_BYTES + 4096);
  });

  it("a stream that breaks mid-body is a 400", async () => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"callback_url":'));
        controller.error(new Error("connection reset"));
      },
    });
    const request = new Request(ROUTE, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json" }, body: broken, duplex: "half" } as RequestInit);
    expectError(await call(handler(), request), 400, "The request body could not be read.");
  });

  it("has a deadline: a body not complete within bodyTimeoutMs is a 408 (fake clock)", async () => {
    vi.useFakeTimers();
    const refused: RefusedEvent[] = [];
    const h = handler({ bodyTimeoutMs: 2_000, onRefused: (e) => void refused.push(e) });
    // A trickle: one byte now, then nothing ever again.
    const trickle = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("{"));
      },
    });
    const request = new Request(ROUTE, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json" }, body: trickle, duplex: "half" } as RequestInit);
    let settled: Response | undefined;
    void h(request).then((response) => (settled = response));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBeDefined();
    expectError(await read(settled as Response), 408, "The request body took too long to arrive.");
    expect(refused).toMatchObject([{ status: 408, reason: "body_timeout", detail: "body not complete after 2000 ms" }]);
  });

  it("waits 10 s for a body by default", async () => {
    expect(DEFAULT_BODY_TIMEOUT_MS).toBe(10_000);
    vi.useFakeTimers();
    const never = new ReadableStream<Uint8Array>({});
    const request = new Request(ROUTE, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json" }, body: never, duplex: "half" } as RequestInit);
    let settled: Response | undefined;
    void handler()(request).then((response) => (settled = response));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled?.status).toBe(408);
  });
});

/**
 * A Request-like object, as a framework or polyfill may hand the handler (it is duck-typed): its
 * signal and its body can be shaped where a real Request's cannot.
 */
function requestLike(parts: { body: unknown; signal?: unknown; headers?: Record<string, string>; bodyUsed?: boolean; arrayBuffer?: () => Promise<ArrayBuffer> }): Request {
  // A plain map, as some frameworks keep headers: values exactly as given, untrimmed.
  const headers = new Map(Object.entries({ origin: APP, "content-type": "application/json", ...parts.headers }));
  return {
    method: "POST",
    url: ROUTE,
    headers: { get: (name: string) => headers.get(name.toLowerCase()) ?? null },
    body: parts.body,
    bodyUsed: parts.bodyUsed ?? false,
    signal: parts.signal,
    arrayBuffer: parts.arrayBuffer ?? (() => Promise.reject(new Error("not this way"))),
  } as unknown as Request;
}

/** An AbortSignal's shape that counts its listeners. */
function countingSignal() {
  const listeners = new Set<() => void>();
  return {
    aborted: false,
    addEventListener: (type: string, listener: () => void) => type === "abort" && listeners.add(listener),
    removeEventListener: (type: string, listener: () => void) => type === "abort" && listeners.delete(listener),
    abort() {
      this.aborted = true;
      for (const listener of [...listeners]) listener();
    },
    listeners,
  };
}

describe("the request body: edges a real Request rarely reaches", () => {
  it("a POST without any body is invalid JSON, not a broken stream", async () => {
    const refused: RefusedEvent[] = [];
    const request = new Request(ROUTE, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json" } });
    expect(request.body).toBeNull();
    expectError(await call(handler({ onRefused: (e) => void refused.push(e) }), request), 400, "Request body must be valid JSON.");
    expect(refused).toMatchObject([{ reason: "invalid_body", detail: "invalid JSON" }]);
  });

  it("a client already gone is refused as aborted", async () => {
    const refused: RefusedEvent[] = [];
    const { request } = streamed([new TextEncoder().encode("{}")]);
    const aborted = new Request(request, { signal: AbortSignal.abort() });
    expectError(await call(handler({ onRefused: (e) => void refused.push(e) }), aborted), 400, "The request was aborted.");
    expect(refused).toMatchObject([{ status: 400, reason: "aborted", detail: "the client went away while sending the body" }]);
  });

  it("a client that goes away while sending is refused as aborted at once, not at the deadline", async () => {
    const refused: RefusedEvent[] = [];
    const controller = new AbortController();
    const trickle = new ReadableStream<Uint8Array>({
      start(stream) {
        stream.enqueue(new TextEncoder().encode("{"));
      },
    });
    const request = new Request(ROUTE, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json" }, body: trickle, duplex: "half", signal: controller.signal } as RequestInit);
    const answer = handler({ bodyTimeoutMs: 60_000, onRefused: (e) => void refused.push(e) })(request);
    setTimeout(() => controller.abort(), 10);
    expectError(await read(await answer), 400, "The request was aborted.");
    expect(refused).toMatchObject([{ reason: "aborted" }]);
  });

  it("a stream that breaks because the client went away is reported as aborted, otherwise as invalid_body", async () => {
    for (const [clientGone, reason] of [
      [true, "aborted"],
      [false, "invalid_body"],
    ] as const) {
      const refused: RefusedEvent[] = [];
      // A signal that tells its state but fires no event: the broken stream is what the handler sees.
      const signal = { aborted: false };
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          signal.aborted = clientGone;
          controller.error(new Error("connection reset"));
        },
      });
      expectError(await call(handler({ onRefused: (e) => void refused.push(e) }), requestLike({ body, signal })), 400, "The request body could not be read.");
      expect(refused).toMatchObject([{ reason, detail: "the body stream failed" }]);
    }
  });

  it("lets go of the client's signal and of its deadline once the body is read", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const signal = countingSignal();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("not json"));
        controller.close();
      },
    });
    const answer = handler({ bodyTimeoutMs: 5_000 })(requestLike({ body, signal }));
    await vi.advanceTimersByTimeAsync(0);
    expectError(await read(await answer), 400, "Request body must be valid JSON.");
    expect(signal.listeners.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a polyfilled Request without a web stream is read whole, up to exactly the cap", async () => {
    const refused: RefusedEvent[] = [];
    const h = handler({ onRefused: (e) => void refused.push(e) });
    const whole = (text: string) => requestLike({ body: {}, arrayBuffer: async () => new TextEncoder().encode(text).buffer as ArrayBuffer });
    expect((await call(h, whole(await paddedBody(MAX_MINT_BODY_BYTES)))).status).toBe(200);
    expectError(await call(h, whole(await paddedBody(MAX_MINT_BODY_BYTES + 1))), 413);
    expect(refused).toMatchObject([{ reason: "body_too_large", detail: `${MAX_MINT_BODY_BYTES + 1} bytes` }]);
  });

  it("a body some middleware read already is the app's setup error: 500, reason config", async () => {
    const refused: RefusedEvent[] = [];
    const request = jsonRequest(await wireBody());
    await request.text();
    expect(request.bodyUsed).toBe(true);
    expectError(await call(handler({ onRefused: (e) => void refused.push(e) }), request), 500, "Internal server error.");
    expect(refused).toMatchObject([{ status: 500, reason: "config", detail: "the request body was already read before the handler ran" }]);
  });

  it("a Content-Length that is not a plain decimal is not trusted either way: the body is read, under the cap", async () => {
    for (const declared of ["1e9", "0x99999", " 5e5 "]) {
      const { request, pulls } = streamed([new TextEncoder().encode(JSON.stringify(await wireBody()))], { "Content-Length": declared });
      expect((await call(handler(), request)).status, declared).toBe(200);
      expect(pulls()).toBeGreaterThan(0);
    }
  });

  it("takes unknown media-type parameters, but only UTF-8 as a charset", async () => {
    const body = await wireBody();
    expect((await call(handler(), jsonRequest(body, { contentType: "application/json; foo=bar" }))).status).toBe(200);
    expect((await call(handler(), jsonRequest(body, { contentType: 'application/json; charset="utf-8"' }))).status).toBe(200);
    for (const contentType of ["application/json; charset=utf-80", "application/json; charset=utf-8x", "application/json; charset=latin1"]) {
      expectError(await call(handler(), jsonRequest(body, { contentType })), 400, "Request body must be JSON (Content-Type: application/json).");
    }
  });

  it("names at most 100 characters of a refused Content-Type in the audit log", async () => {
    const refused: RefusedEvent[] = [];
    const contentType = `text/${"x".repeat(300)}`;
    expectError(await call(handler({ onRefused: (e) => void refused.push(e) }), jsonRequest({}, { contentType })), 400);
    expect(refused[0]?.detail).toBe(`Content-Type ${JSON.stringify(contentType.slice(0, 100))}`);
  });

  it("a declared size is named in the audit log trimmed, as headers of any kind may hand it over", async () => {
    const refused: RefusedEvent[] = [];
    const declared = ` ${MAX_MINT_BODY_BYTES + 1} `;
    const body = new ReadableStream<Uint8Array>({ pull: (controller) => controller.close() });
    expectError(await call(handler({ onRefused: (e) => void refused.push(e) }), requestLike({ body, headers: { "content-length": declared } })), 413);
    expect(refused).toMatchObject([{ reason: "body_too_large", detail: `Content-Length ${MAX_MINT_BODY_BYTES + 1}` }]);
  });

  it("the cap on a streamed body names itself in the audit log", async () => {
    const refused: RefusedEvent[] = [];
    const { request } = streamed([new Uint8Array(MAX_MINT_BODY_BYTES + 1).fill(32)]);
    expectError(await call(handler({ onRefused: (e) => void refused.push(e) }), request), 413);
    expect(refused).toMatchObject([{ reason: "body_too_large", detail: `more than ${MAX_MINT_BODY_BYTES} bytes sent` }]);
  });
});
