// Mounts a fetch-standard handler (such as createMintHandler's) on Node's `http` server,
// Express or Connect. Only types come from node:http, so importing this file costs nothing elsewhere.
import type { IncomingMessage, ServerResponse } from "node:http";

/** A fetch-standard handler: `createMintHandler(...)` is one. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;
/** Resolves once the answer is written; `http.createServer(toNodeHandler(h))` just ignores that. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface NodeHandlerOptions {
  /**
   * The origin of every request URL the handler sees (`http://127.0.0.1:8787`), instead of one
   * built from the client's `Host` header and the socket. For a server that knows its own address
   * (the emulator does): then no client can choose the origin a same-origin check compares against.
   */
  origin?: string;
}

const NO_BODY = new Set(["GET", "HEAD"]);
// Methods fetch's Request refuses outright; every fetch handler would answer them 405 anyway.
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
// Node sets framing headers itself; cookies are copied one by one below.
const SKIPPED_RESPONSE_HEADERS = new Set(["set-cookie", "transfer-encoding", "connection", "keep-alive"]);

/**
 * The request body as a web stream that reads from `req` only when the handler reads,
 * with back-pressure; what the handler leaves unread is discarded afterwards.
 */
function bodyStream(req: IncomingMessage): { stream: ReadableStream<Uint8Array>; release: () => void } {
  let attached = false;
  let closed = false;
  const onData = (chunk: Buffer | string) => {
    if (closed) return;
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).slice();
    controllerRef?.enqueue(bytes);
    if ((controllerRef?.desiredSize ?? 0) <= 0) req.pause();
  };
  const onEnd = () => {
    if (closed) return;
    closed = true;
    controllerRef?.close();
  };
  const onError = (error: unknown) => {
    if (closed) return;
    closed = true;
    controllerRef?.error(error);
  };
  const onClose = () => {
    // The client went away before the body ended.
    if (!req.readableEnded) onError(new Error("The request body was cut off."));
  };
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
  const detach = () => {
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onError);
    req.off("close", onClose);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controllerRef = controller;
      },
      pull() {
        if (!attached) {
          attached = true;
          req.on("data", onData);
          req.on("end", onEnd);
          req.on("error", onError);
          req.on("close", onClose);
        }
        req.resume();
      },
      cancel() {
        closed = true;
        detach();
        req.resume(); // discard the rest so the connection can be reused
      },
    },
    // 0: nothing is read from the socket before the handler asks for it.
    { highWaterMark: 0 },
  );
  return {
    stream,
    release() {
      closed = true;
      detach();
    },
  };
}

/** A body a framework already read (Express' `express.json()` and friends). */
function parsedBody(req: IncomingMessage): BodyInit | undefined {
  const body = (req as { body?: unknown }).body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return body.slice();
  return JSON.stringify(body);
}

function toRequest(req: IncomingMessage, signal: AbortSignal, origin: string | undefined): { request: Request; release: () => void } {
  const method = (req.method ?? "GET").toUpperCase();
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,MethodExpression: equivalent: Headers refuses a ":" name (caught below) and Node gives no undefined values
    if (name.startsWith(":") || value === undefined) continue; // HTTP/2 pseudo-headers
    try {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else headers.set(name, value);
    } catch {
      // a header value fetch refuses: leave it out
    }
  }
  // Stryker disable next-line OptionalChaining: equivalent on Node, where an IncomingMessage always has its socket
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const host = req.headers.host ?? (req.headers[":authority"] as string | undefined) ?? "localhost";
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/";
  const url = new URL(`${origin ?? `${encrypted ? "https" : "http"}://${host}`}${path.startsWith("/") ? path : `/${path}`}`);

  const init: RequestInit & { duplex?: "half" } = { method, headers, signal };
  let release = () => {};
  if (!NO_BODY.has(method)) {
    if (req.readableEnded) {
      // Someone upstream (a body parser) read it already.
      init.body = parsedBody(req);
      if (init.body !== undefined) headers.delete("content-length");
    } else {
      const body = bodyStream(req);
      init.body = body.stream;
      init.duplex = "half";
      release = body.release;
    }
  }
  return { request: new Request(url, init), release };
}

function writeError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify({ error: { code: status, message } }));
}

/** `origin` as `scheme://host[:port]`, or a TypeError: a path or query there would end up in every URL. */
function checkOrigin(origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(origin);
    // Stryker disable next-line BlockStatement: equivalent: url is still undefined when new URL throws
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || `${url.origin}/` !== url.href) {
    throw new TypeError(`toNodeHandler: origin must be an http(s) origin without a path, like "http://127.0.0.1:8787", got "${origin}".`);
  }
  return url.origin;
}

/**
 * Adapts a fetch-standard handler to Node: `http.createServer(toNodeHandler(createMintHandler({...})))`,
 * or `app.post("/api/openrouter/mint", toNodeHandler(handler))` in Express. The request's URL is
 * built from the `Host` header and the socket (http/https), or from `options.origin`; behind a
 * proxy, set `policy.allowedOrigins`.
 *
 * The body reaches the handler as a stream that reads from the socket only as the handler reads
 * (back-pressure); what it leaves unread is discarded. `request.signal` aborts when the client goes
 * away before the answer is written. The answer is buffered (these answers are small), cookies are
 * kept one `Set-Cookie` each, and `Response.error()` destroys the connection, as fetch means it.
 * Nothing is ever logged.
 */
export function toNodeHandler(handler: FetchHandler, options: NodeHandlerOptions = {}): NodeHandler {
  if (typeof handler !== "function") throw new TypeError("toNodeHandler: handler must be a function.");
  const origin = checkOrigin(options.origin);
  return async function nodeHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on("error", () => {}); // a client that hung up mid-answer is not the server's problem
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.once("close", onClose);
    let converted: { request: Request; release: () => void };
    try {
      converted = toRequest(req, abort.signal, origin);
    } catch {
      res.off("close", onClose);
      if (FORBIDDEN_METHODS.has((req.method ?? "").toUpperCase())) writeError(res, 405, "Method not allowed.");
      else writeError(res, 400, "Bad request.");
      return;
    }
    try {
      const response = await handler(converted.request);
      if (response.type === "error") {
        // The fetch way of saying "the connection died": make it really die.
        res.destroy();
        return;
      }
      res.statusCode = response.status;
      if (response.statusText) res.statusMessage = response.statusText;
      // Stryker disable next-line ConditionalExpression,ArrayDeclaration: equivalent on Node 20, whose Headers all have getSetCookie
      const cookies = typeof response.headers.getSetCookie === "function" ? response.headers.getSetCookie() : [];
      response.headers.forEach((value, name) => {
        if (!SKIPPED_RESPONSE_HEADERS.has(name)) res.setHeader(name, value);
      });
      // Stryker disable next-line ConditionalExpression: equivalent: Node sends no Set-Cookie for an empty list
      if (cookies.length) res.setHeader("Set-Cookie", cookies);
      const body = converted.request.method === "HEAD" || !response.body ? undefined : new Uint8Array(await response.arrayBuffer());
      if (res.destroyed) return;
      // Answered before the body ended (413, 408, a refusal): don't keep reading what a client may
      // trickle or pour in forever. The answer goes out whole, then the connection closes.
      if (!req.readableEnded && !NO_BODY.has(converted.request.method)) {
        res.setHeader("Connection", "close");
        res.once("finish", () => req.destroy());
      }
      // Stryker disable next-line ConditionalExpression: equivalent: res.end(undefined) is res.end()
      if (body) res.end(body);
      else res.end();
    } catch {
      writeError(res, 500, "Internal server error.");
    } finally {
      converted.release();
      res.off("close", onClose);
    }
  };
}
