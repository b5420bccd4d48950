// Issue 12's server-side attacks, each as it was run against the old handler: over real HTTP (the
// handler under toNodeHandler on a loopback port, calling the real emulator). Every one of these
// succeeded against the mint route before it failed closed.
import { request as httpRequest } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { createMintHandler, MAX_MINT_BODY_BYTES, type MintHandlerOptions, type RefusedEvent } from "../../src/server/index.js";
import { APP, APP_KEY, serve, wireBody } from "./support.js";

let emulator: RunningOpenRouterEmulator;
beforeAll(async () => {
  emulator = await startOpenRouterEmulator({ apiKeys: [APP_KEY] });
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

// A signed-in user's session, as the app's authorize sees it.
const signedIn = (request: Request) => request.headers.get("cookie") === "session=alice";

/**
 * The README's configuration: $5 keys with a daily reset, 30 days at most, a quota. Its authorize
 * answers `true` (what the old handler understood too), so each attack below meets the same
 * handler it met before, not a refusal of an unknown verdict; the mint loop names the user.
 */
function readmeHandler(options: Partial<MintHandlerOptions> = {}) {
  return createMintHandler({
    apiKey: APP_KEY,
    baseUrl: emulator.apiBaseUrl,
    authorize: signedIn,
    policy: { maxLimit: 5, allowedUsageLimitTypes: ["daily", "monthly"], maxLifetimeSeconds: 30 * 86_400, allowedOrigins: [APP] },
    quota: { global: { windowSeconds: 86_400, maxKeys: 1_000, maxExposure: 5_000 } },
    ...options,
  });
}

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Request bytes the client had written when the answer arrived. */
  sent: number;
  ms: number;
}

/**
 * A POST written by hand: `write` gets a function that sends a chunk (resolving on drain) and
 * says whether the answer has arrived, so a client can stop the way a real one would.
 */
function rawPost(
  url: string,
  headers: Record<string, string>,
  write: (send: (chunk: Buffer | string) => Promise<void>, answered: () => boolean) => Promise<void>,
  timeoutMs = 10_000,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  let sent = 0;
  let answered = false;
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: "/api/mint", method: "POST", headers: { Origin: APP, "Content-Type": "application/json", ...headers } }, (res) => {
      answered = true;
      const sentAtAnswer = sent;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, sent: sentAtAnswer, ms: Date.now() - started });
        req.destroy();
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms (${sent} bytes sent)`));
    }, timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const send = (chunk: Buffer | string) =>
      new Promise<void>((done) => {
        if (answered || req.destroyed) return done();
        sent += Buffer.byteLength(chunk);
        if (req.write(chunk)) done();
        else req.once("drain", () => done());
      });
    write(send, () => answered).then(
      () => {
        if (!answered && !req.destroyed) req.end();
      },
      (error: unknown) => reject(error),
    );
  });
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/api/mint`, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json", Cookie: "session=alice", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

describe("attacks on the mint route, over real HTTP", () => {
  it("the mint loop: a signed-in user looping POST gets at most the quota", async () => {
    const app = await serve(
      readmeHandler({
        authorize: (request) => signedIn(request) && { subject: "alice" },
        quota: { perSubject: { windowSeconds: 86_400, maxKeys: 3, maxExposure: 50 }, global: { windowSeconds: 86_400, maxKeys: 1_000, maxExposure: 5_000 } },
      }),
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await postJson(app.url, await wireBody({ usage_limit_type: "daily" }))).status);
      // Each $5 daily key counts $10 in a day: 3 keys ($30) is the per-user limit.
      expect(statuses.filter((s) => s === 200)).toHaveLength(3);
      expect(statuses.slice(3).every((s) => s === 429)).toBe(true);
      expect(emulator.codesIssued()).toHaveLength(3);
      expect(emulator.codesIssued().every((c) => c.limit === 5 && c.expiresAt !== null)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it("the forged Host: Host: attacker.test with Origin: http://attacker.test is refused", async () => {
    // The old README's configuration took the handler's origin from Host: it no longer starts.
    const { allowedOrigins: _omitted, ...withoutOrigins } = { maxLimit: 5, maxLifetimeSeconds: 30 * 86_400, allowedOrigins: [APP] };
    expect(() => readmeHandler({ policy: withoutOrigins as never })).toThrow(/policy\.allowedOrigins is required/);
    const app = await serve(readmeHandler());
    try {
      const body = JSON.stringify(await wireBody());
      const answer = await rawPost(app.url, { Host: "attacker.test", Origin: "http://attacker.test", Cookie: "session=alice" }, async (send) => send(body));
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.text)).toEqual({ error: { code: 403, message: "Requests from this origin may not mint keys." } });
      expect(emulator.codesIssued()).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  it("the trickling body: 408 within bodyTimeoutMs, and the call to OpenRouter never made", async () => {
    const refused: RefusedEvent[] = [];
    const app = await serve(readmeHandler({ bodyTimeoutMs: 300, onRefused: (e) => void refused.push(e) }));
    try {
      const body = JSON.stringify(await wireBody());
      const answer = await rawPost(
        app.url,
        { Cookie: "session=alice" },
        async (send, answered) => {
          // One byte every 50 ms: the whole body would take seconds.
          for (const byte of body) {
            if (answered()) return;
            await send(byte);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        },
        5_000,
      );
      expect(answer.status).toBe(408);
      expect(answer.ms).toBeGreaterThanOrEqual(290);
      expect(answer.ms).toBeLessThan(2_000);
      expect(answer.sent).toBeLessThan(body.length);
      expect(refused).toMatchObject([{ status: 408, reason: "body_timeout" }]);
      expect(emulator.app.requests().filter((r) => r.route === "code")).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  it("the 50 MB body with an authorize that would read it: 413, authorize never runs, far less than 50 MB sent", async () => {
    const fifty = 50 * 1024 * 1024;
    const authorize = vi.fn(async (request: Request) => {
      await request.clone().text(); // what the old README advised
      return true;
    });
    const app = await serve(readmeHandler({ authorize }));
    try {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const stream = async (send: (c: Buffer) => Promise<void>, answered: () => boolean) => {
        for (let written = 0; written < fifty && !answered(); written += chunk.length) await send(chunk);
      };
      // Without Content-Length (chunked): cut at the cap.
      const chunked = await rawPost(app.url, {}, stream);
      expect(chunked.status).toBe(413);
      expect(chunked.sent).toBeLessThan(fifty / 5);
      // Declared: refused before a byte is read.
      const declared = await rawPost(app.url, { "Content-Length": String(fifty) }, stream);
      expect(declared.status).toBe(413);
      expect(declared.sent).toBeLessThan(fifty / 5);
      expect(JSON.parse(declared.text)).toEqual({ error: { code: 413, message: `Request body must be at most ${MAX_MINT_BODY_BYTES} bytes.` } });
      expect(authorize).not.toHaveBeenCalled();
      // The route is still there for the next request.
      expect((await fetch(`${app.url}/api/mint`)).status).toBe(405);
    } finally {
      await app.close();
    }
  });

  it("no OpenRouter text in the browser's answers, whatever OpenRouter says", async () => {
    const refused: RefusedEvent[] = [];
    const app = await serve(readmeHandler({ onRefused: (e) => void refused.push(e) }));
    try {
      for (const status of [400, 401, 403, 409, 429, 500, 503]) {
        const secret = `internal-detail-${status}-workspace-9f1c`;
        emulator.faults.failNext("code", { status, message: secret });
        const answer = await postJson(app.url, await wireBody());
        expect(answer.status, String(status)).toBeGreaterThanOrEqual(400);
        expect(answer.text).not.toContain("internal-detail");
        expect(answer.text).not.toContain(APP_KEY);
        expect(refused.at(-1)?.detail).toContain(secret);
      }
    } finally {
      await app.close();
    }
  });

  it("a client that goes away cancels the call to OpenRouter, and its quota comes back", async () => {
    const signals: AbortSignal[] = [];
    const upstream = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      signals.push(init?.signal as AbortSignal);
      return fetch(input, init);
    });
    const app = await serve(readmeHandler({ fetch: upstream as typeof fetch, quota: { global: { windowSeconds: 3600, maxKeys: 1 } } }));
    try {
      emulator.faults.delay("code", 5_000);
      const client = new AbortController();
      const body = JSON.stringify(await wireBody());
      const gone = fetch(`${app.url}/api/mint`, { method: "POST", headers: { Origin: APP, "Content-Type": "application/json", Cookie: "session=alice" }, body, signal: client.signal });
      gone.catch(() => {});
      await vi.waitFor(() => expect(upstream).toHaveBeenCalledTimes(1));
      client.abort();
      await vi.waitFor(() => expect(signals[0]?.aborted).toBe(true));
      emulator.faults.delay("code", 0);
      // The one key this user may mint is still theirs.
      await vi.waitFor(async () => expect((await postJson(app.url, await wireBody())).status).toBe(200));
    } finally {
      await app.close();
    }
  });
});
