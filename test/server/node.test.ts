// toNodeHandler on its own, over real HTTP on loopback: the body streamed lazily with
// back-pressure, a handler's own cap, a client going away, a dropped connection, the request
// URL's origin, cookies and the answers it gives itself.
import { createHash, randomBytes } from "node:crypto";
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { toNodeHandler, type FetchHandler } from "../../src/server/node.js";

interface Served {
  url: string;
  port: number;
  server: Server;
  /** The last IncomingMessage the server got, to read what it took from the socket. */
  lastRequest: () => IncomingMessage | undefined;
}

async function serve(handler: FetchHandler, options?: Parameters<typeof toNodeHandler>[1]): Promise<Served> {
  const node = toNodeHandler(handler, options);
  let last: IncomingMessage | undefined;
  const server = createServer((req, res) => {
    last = req;
    void node(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, server, lastRequest: () => last };
}

interface RawAnswer {
  status: number;
  headers: IncomingMessage["headers"];
  body: string;
}

/** One request with node:http (which, unlike fetch, lets a test set Host and stream a body by hand). */
function send(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: (req: ReturnType<typeof httpRequest>) => void }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path ?? "/", headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.body) options.body(req);
    else req.end();
  });
}

/** Resolves with what `promise` settled to, or "pending" after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "pending"> {
  return Promise.race([promise, new Promise<"pending">((resolve) => setTimeout(() => resolve("pending"), ms))]);
}

describe("toNodeHandler", () => {
  it("streams the body to the handler as it reads, and reads nothing from the socket it does not ask for", async () => {
    const CHUNK = 64 * 1024;
    const TOTAL = 32 * 1024 * 1024;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let firstChunk = 0;
    const { port, lastRequest } = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      firstChunk = (await reader.read()).value?.byteLength ?? 0;
      await released; // the handler stops reading here
      await reader.cancel();
      return new Response("enough", { status: 413 });
    });

    let written = 0;
    let blocked!: () => void;
    const clientBlocked = new Promise<void>((resolve) => (blocked = resolve));
    const answer = send(port, {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream" }, // no Content-Length: chunked
      body: (req) => {
        req.on("error", () => {}); // the server may close before the client is done writing
        const pump = () => {
          while (written < TOTAL) {
            written += CHUNK;
            if (!req.write(Buffer.alloc(CHUNK, 120))) {
              blocked();
              req.once("drain", pump);
              return;
            }
          }
          req.end();
        };
        pump();
      },
    });
    await clientBlocked;
    // Let the client push for a while: what the server takes is bounded by socket buffers, not by the body.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const taken = lastRequest()?.socket.bytesRead ?? Infinity;
    expect(firstChunk).toBeGreaterThan(0);
    expect(taken).toBeLessThan(8 * 1024 * 1024);
    expect(written).toBeLessThan(TOTAL);
    release();
    expect(await answer).toMatchObject({ status: 413, body: "enough" });
  });

  it("lets a handler cap the body: it stops reading, answers, and the connection keeps working", async () => {
    const CAP = 16 * 1024;
    const { url, port } = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      let total = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return new Response(`read ${total}`);
        total += value.byteLength;
        if (total > CAP) {
          await reader.cancel();
          return new Response("too large", { status: 413 });
        }
      }
    });
    const huge = await send(port, {
      method: "POST",
      body: (req) => {
        req.on("error", () => {});
        for (let i = 0; i < 100; i++) req.write("x".repeat(1024));
        req.end();
      },
    });
    expect(huge).toMatchObject({ status: 413, body: "too large" });
    const small = await fetch(url, { method: "POST", body: "x".repeat(100) });
    expect(await small.text()).toBe("read 100");
  });

  it("aborts request.signal when the client goes away before the answer", async () => {
    let aborted!: (reason: unknown) => void;
    const sawAbort = new Promise((resolve) => (aborted = resolve));
    let arrived!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (arrived = resolve));
    const { port } = await serve(
      (request) =>
        new Promise<Response>((resolve) => {
          request.signal.addEventListener("abort", () => {
            aborted(request.signal.reason);
            resolve(new Response("too late"));
          });
          arrived();
        }),
    );
    const req = httpRequest({ host: "127.0.0.1", port, path: "/slow" });
    req.on("error", () => {});
    req.end();
    await handlerStarted;
    req.destroy();
    expect(await within(sawAbort, 2000)).not.toBe("pending");
  });

  it("does not abort request.signal once the answer is written", async () => {
    let signal: AbortSignal | undefined;
    const { url } = await serve((request) => {
      signal = request.signal;
      return new Response("ok");
    });
    expect(await (await fetch(url)).text()).toBe("ok");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signal?.aborted).toBe(false);
  });

  it("drops the connection for Response.error(), as fetch means it", async () => {
    const { url, port } = await serve((request) => (new URL(request.url).pathname === "/drop" ? Response.error() : new Response("fine")));
    await expect(fetch(`${url}/drop`)).rejects.toThrow();
    await expect(send(port, { path: "/drop" })).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|socket hang up/i) });
    expect(await (await fetch(`${url}/other`)).text()).toBe("fine");
  });

  it("builds the URL from Host, or from a fixed origin no client can change", async () => {
    const echo: FetchHandler = (request) => new Response(request.url);
    const fromHost = await serve(echo);
    expect((await send(fromHost.port, { path: "/a?b=1", headers: { Host: "app.example:8080" } })).body).toBe("http://app.example:8080/a?b=1");
    const fixed = await serve(echo, { origin: "http://127.0.0.1:8787" });
    expect((await send(fixed.port, { path: "/a?b=1", headers: { Host: "attacker.test" } })).body).toBe("http://127.0.0.1:8787/a?b=1");
    expect(() => toNodeHandler(echo, { origin: "http://127.0.0.1:8787/base" })).toThrow(TypeError);
    expect(() => toNodeHandler(echo, { origin: "ftp://127.0.0.1" })).toThrow(TypeError);
    expect(() => toNodeHandler(echo, { origin: "127.0.0.1:8787" })).toThrow(TypeError);
  });

  it("keeps every Set-Cookie, and answers what fetch can't represent or a throwing handler itself", async () => {
    const { url, port } = await serve((request) => {
      if (new URL(request.url).pathname === "/throw") throw new Error("sk-or-v1-secret in a message");
      const headers = new Headers({ "X-Kind": "cookies" });
      headers.append("Set-Cookie", "a=1; Path=/; HttpOnly");
      headers.append("Set-Cookie", "b=2; Path=/");
      return new Response("ok", { headers });
    });
    const cookies = await send(port, { path: "/" });
    expect(cookies.headers["set-cookie"]).toEqual(["a=1; Path=/; HttpOnly", "b=2; Path=/"]);
    expect(cookies.headers["x-kind"]).toBe("cookies");

    const thrown = await fetch(`${url}/throw`);
    expect(thrown.status).toBe(500);
    expect(await thrown.text()).not.toContain("secret");
    expect((await send(port, { method: "TRACE", path: "/" })).status).toBe(405);
  });
});

describe("toNodeHandler: an answer before the body ended", () => {
  it("closes the connection after the answer instead of reading what the client keeps sending", async () => {
    const app = await serve(async () => new Response("too slow", { status: 408 }));
    const closedByServer = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port: app.port, method: "POST", path: "/", headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } }, (res) => {
        res.resume();
        // The client never ends its body: only the server can close this connection.
        req.socket?.once("close", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
      });
      req.on("error", () => {});
      req.write("{");
      setTimeout(() => reject(new Error("the server kept the connection open, reading an endless body")), 2_000).unref();
    });
    expect(await closedByServer).toEqual({ status: 408, connection: "close" });
  });
});

/** A server whose own code runs `before` on each request (a body parser, a TLS terminator), then the adapter. */
async function serveAfter(handler: FetchHandler, before: (req: IncomingMessage) => Promise<void> | void): Promise<Served> {
  const node = toNodeHandler(handler);
  const server = createServer((req, res) => {
    void (async () => {
      await before(req);
      await node(req, res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, server, lastRequest: () => undefined };
}

/** Reads the whole body off `req`, as express.json() and friends do before the route runs. */
function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => resolve(text));
  });
}

/** One request over a raw socket: HTTP/1.0 without a Host header, as old clients and probes send. */
function rawHttp10(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(`GET ${path} HTTP/1.0\r\n\r\n`));
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
}

describe("toNodeHandler: what frameworks and old clients hand it", () => {
  const echo: FetchHandler = async (request) =>
    Response.json({ url: request.url, method: request.method, body: request.body ? await request.text() : null, length: request.headers.get("content-length") });

  it("takes a body a framework already parsed: a string, bytes or an object (as JSON), without the old Content-Length", async () => {
    const parsed: unknown[] = ["plain text", new TextEncoder().encode("some bytes"), { a: [1, "two"] }];
    let next = 0;
    const app = await serveAfter(echo, async (req) => {
      await readAll(req);
      (req as { body?: unknown }).body = parsed[next++];
    });
    const post = async () => (await fetch(app.url, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "what the client sent, long ago read" })).json();
    expect(await post()).toMatchObject({ method: "POST", body: "plain text", length: null });
    expect(await post()).toMatchObject({ body: "some bytes", length: null });
    expect(await post()).toMatchObject({ body: '{"a":[1,"two"]}', length: null });
  });

  it("a body read by someone upstream and not kept is no body at all", async () => {
    const app = await serveAfter(echo, (req) => readAll(req).then(() => undefined));
    expect(await (await fetch(app.url, { method: "POST", body: "gone" })).json()).toMatchObject({ method: "POST", body: null });
    const kept = await serveAfter(echo, async (req) => {
      await readAll(req);
      (req as { body?: unknown }).body = null;
    });
    expect(await (await fetch(kept.url, { method: "POST", body: "gone" })).json()).toMatchObject({ body: null, length: "4" });
  });

  it("GET and HEAD carry no body; HEAD's answer has none either", async () => {
    const { url } = await serve(async (request) => new Response(`method ${request.method}, body ${request.body === null ? "none" : "some"}`, { headers: { "X-Seen": "yes" } }));
    expect(await (await fetch(url)).text()).toBe("method GET, body none");
    const head = await fetch(url, { method: "HEAD" });
    expect(head.headers.get("x-seen")).toBe("yes");
    expect(await head.text()).toBe("");
  });

  it("keeps the handler's status text, and answers an empty body with nothing", async () => {
    const { port } = await serve(() => new Response(null, { status: 202, statusText: "Taken In" }));
    const answer = await new Promise<{ status: number; message: string; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/" }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, message: res.statusMessage ?? "", body }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(answer).toEqual({ status: 202, message: "Taken In", body: "" });
  });

  it("without a Host header (HTTP/1.0) the URL's host is localhost; a TLS socket makes it https", async () => {
    const { port } = await serve(echo);
    expect(await rawHttp10(port, "/old?x=1")).toContain('"url":"http://localhost/old?x=1"');
    const behindTls = await serveAfter(echo, (req) => {
      Object.defineProperty(req.socket, "encrypted", { value: true });
    });
    expect((await (await fetch(`${behindTls.url}/secure`)).json()).url).toBe(`https://127.0.0.1:${behindTls.port}/secure`);
  });

  it("takes Express's originalUrl over the mounted url, and gives a path without its slash one", async () => {
    let path = "";
    const app = await serveAfter(echo, (req) => {
      (req as { originalUrl?: string }).originalUrl = path;
    });
    path = "/api/openrouter/mint?from=express";
    expect((await (await fetch(`${app.url}/mint`)).json()).url).toBe(`${app.url}/api/openrouter/mint?from=express`);
    path = "no-slash";
    expect((await (await fetch(`${app.url}/mint`)).json()).url).toBe(`${app.url}/no-slash`);
  });

  it("a request fetch cannot represent (a Host that is no host) is a 400 of its own; a handler that is no function is refused", async () => {
    const { port } = await serve(echo);
    const answer = await send(port, { path: "/", headers: { Host: "exa mple" } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 400, message: "Bad request." } });
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(() => toNodeHandler("not a handler" as unknown as FetchHandler)).toThrow(TypeError);
  });
});

describe("toNodeHandler: headers and the connection", () => {
  it("a body a middleware set to text (setEncoding) still arrives whole, multi-byte characters included", async () => {
    const app = await serveAfter(async (request) => new Response(await request.text()), (req) => {
      req.setEncoding("utf8");
    });
    const text = "Café ✓ 🔑".repeat(500);
    expect(await (await fetch(app.url, { method: "POST", body: text })).text()).toBe(text);
  });

  it("the status text defaults to Node's own; framing headers of the handler's Response are Node's to set", async () => {
    const { port } = await serve(
      () =>
        new Response("short", {
          headers: { Connection: "close", "Keep-Alive": "timeout=999", "X-Kept": "yes" },
        }),
    );
    const agent = new Agent({ keepAlive: true });
    onTestFinished(() => agent.destroy());
    const answer = await new Promise<{ message: string | undefined; headers: IncomingMessage["headers"] }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
        res.resume();
        res.on("end", () => resolve({ message: res.statusMessage, headers: res.headers }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(answer.message).toBe("OK");
    expect(answer.headers["x-kept"]).toBe("yes");
    expect(answer.headers.connection).toBe("keep-alive");
    expect(answer.headers["keep-alive"]).not.toBe("timeout=999");
  });

  it("an answer after the whole body keeps the connection for the next request", async () => {
    const { port } = await serve(async (request) => new Response(await request.text()));
    const agent = new Agent({ keepAlive: true });
    onTestFinished(() => agent.destroy());
    const connection = await new Promise<string | undefined>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/", agent, headers: { "Content-Type": "text/plain" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.headers.connection));
      });
      req.on("error", reject);
      req.end("all of it");
    });
    expect(connection).toBe("keep-alive");
  });
});

describe("toNodeHandler: a body cut off", () => {
  it("a client that goes away mid-body makes the handler's read fail, instead of waiting forever", async () => {
    let readFailed!: (error: unknown) => void;
    const failure = new Promise<unknown>((resolve) => (readFailed = resolve));
    let started!: () => void;
    const reading = new Promise<void>((resolve) => (started = resolve));
    const { port } = await serve(async (request) => {
      started();
      try {
        await request.text();
        return new Response("read it all?");
      } catch (error) {
        readFailed(error);
        return new Response("cut off", { status: 400 });
      }
    });
    const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/", headers: { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" } });
    req.on("error", () => {});
    req.write("the first half");
    await reading;
    await new Promise((resolve) => setTimeout(resolve, 20));
    req.destroy();
    // Node's own error, which says what happened: the connection was reset.
    expect(await within(failure, 2000)).toMatchObject({ code: "ECONNRESET" });
  });
});

describe("toNodeHandler: the body stream, chunk by chunk", () => {
  it("a large binary body arrives byte for byte, each chunk a Uint8Array of its own (no view into the socket's memory)", async () => {
    const sent = randomBytes(1024 * 1024 + 13);
    sent[0] = 0xff; // not UTF-8: a text round trip would change it
    const seen: { views: number; chunks: number } = { views: 0, chunks: 0 };
    const { port } = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      const hash = createHash("sha256");
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        const chunk = next.value;
        seen.chunks++;
        if (chunk.constructor !== Uint8Array || chunk.byteOffset !== 0 || chunk.buffer.byteLength !== chunk.byteLength) seen.views++;
        hash.update(chunk);
      }
      return new Response(hash.digest("hex"));
    });
    const answer = await send(port, { method: "POST", headers: { "Content-Type": "application/octet-stream" }, body: (req) => req.end(sent) });
    expect(answer.body).toBe(createHash("sha256").update(sent).digest("hex"));
    expect(seen.chunks).toBeGreaterThan(1);
    expect(seen.views).toBe(0);
  });

  it("a handler that never reads the body never makes the request flow", async () => {
    let flowing: boolean | null | undefined;
    const { port, lastRequest } = await serve(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      flowing = lastRequest()?.readableFlowing;
      return new Response("not read");
    });
    const answer = await send(port, { method: "POST", body: (req) => req.end("x".repeat(50_000)) });
    expect(answer).toMatchObject({ status: 200, body: "not read" });
    expect(flowing).toBe(null);
  });

  it("a handler that cancels the body still lets the rest arrive and be discarded: the connection is kept", async () => {
    const { port, lastRequest } = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      await reader.cancel();
      const req = lastRequest();
      if (req && !req.readableEnded) await new Promise((resolve) => req.once("end", resolve));
      return new Response("cancelled");
    });
    const agent = new Agent({ keepAlive: true });
    onTestFinished(() => agent.destroy());
    const answer = await new Promise<{ body: string; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/", agent, headers: { "Content-Type": "application/octet-stream" } }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ body, connection: res.headers.connection }));
      });
      req.on("error", reject);
      req.end(Buffer.alloc(512 * 1024, 1));
    });
    expect(answer).toEqual({ body: "cancelled", connection: "keep-alive" });
  });

  it("a request the server itself destroys mid-body (no error given) makes the handler's read fail", async () => {
    let readFailed!: (error: unknown) => void;
    const failure = new Promise<unknown>((resolve) => (readFailed = resolve));
    const { port, lastRequest } = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      lastRequest()?.destroy(); // a framework's own timeout, say
      await reader.read().then(() => readFailed("read on"), readFailed);
      return new Response("gone");
    });
    const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/", headers: { "Transfer-Encoding": "chunked" } });
    req.on("error", () => {});
    req.write("the first half");
    const error = await within(failure, 2000);
    req.destroy();
    expect(error).toBeInstanceOf(Error);
  });

  it("a handler still holding the body after its answer gets an error instead of a wait with no end", async () => {
    let later!: Promise<unknown>;
    const { port } = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      later = reader.read().then(
        () => "read on",
        (error: unknown) => error,
      );
      return new Response("answered early");
    });
    const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/", headers: { "Transfer-Encoding": "chunked" } });
    req.on("error", () => {});
    const answered = new Promise<number>((resolve) => req.on("response", (res) => (res.resume(), resolve(res.statusCode ?? 0))));
    req.write("the first half, and the rest never comes");
    expect(await answered).toBe(200);
    expect(await within(later, 2000)).toBeInstanceOf(Error);
    req.destroy();
  });

  it("HEAD never reads the handler's body, even one that never ends", async () => {
    const endless = () => new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(1024)) });
    const { port } = await serve(() => new Response(endless(), { headers: { "X-Seen": "yes" } }));
    const head = await within(send(port, { method: "HEAD" }), 2000);
    expect(head).toMatchObject({ status: 200, body: "", headers: { "x-seen": "yes" } });
  });
});

describe("toNodeHandler: requests and answers at the edges", () => {
  it("a repeated request header Node keeps as a list arrives as the same list", async () => {
    const { port } = await serve((request) => Response.json(request.headers.getSetCookie()));
    const socketAnswer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () =>
        socket.end("GET / HTTP/1.1\r\nHost: localhost\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: close\r\n\r\n"),
      );
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => (text += chunk));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(socketAnswer.slice(socketAnswer.indexOf("\r\n\r\n") + 4)).toBe('["a=1","b=2"]');
  });

  it("a hand-made IncomingMessage without method or url is a GET of /", async () => {
    const app = await serveAfter(
      (request) => new Response(`${request.method} ${request.url}`),
      (req) => {
        req.method = undefined;
        req.url = undefined;
      },
    );
    expect(await (await fetch(app.url)).text()).toBe(`GET ${app.url}/`);
  });

  it("an https origin is used as given; an origin that is no URL is refused with the adapter's own TypeError", async () => {
    const fixed = await serve((request) => new Response(request.url), { origin: "https://app.example" });
    expect((await send(fixed.port, { path: "/a" })).body).toBe("https://app.example/a");
    expect(() => toNodeHandler(() => new Response(), { origin: "not a url" })).toThrow(/^toNodeHandler: origin/);
  });

  it("a Response Node cannot send (a header value it refuses) is a 500 without the handler's status text or headers", async () => {
    const { port } = await serve(() => new Response("fine?", { status: 201, statusText: "Made", headers: { "X-A": "kept?", "X-B": "a\u0001b" } }));
    const answer = await new Promise<{ status: number; message: string | undefined; headers: IncomingMessage["headers"] }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/" }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, message: res.statusMessage, headers: res.headers }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(answer.status).toBe(500);
    expect(answer.message).toBe("Internal Server Error");
    expect(answer.headers["x-a"]).toBeUndefined();
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
  });
});
