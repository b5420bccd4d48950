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
  // Set by start(), which the constructor runs before anything else can.
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let attached = false;
  // Each way the stream ends detaches every listener first, so nothing reaches a stream that ended.
  const onData = (chunk: Buffer | string) => {
    // A copy: the chunk is a view into the socket's read buffer, which holds more than this body.
    controller.enqueue(typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk));
    // highWaterMark 0: the stream wants nothing more until the handler reads again (pull).
    req.pause();
  };
  const onEnd = () => {
    detach();
    controller.close();
  };
  const onError = (error: unknown) => {
    detach();
    controller.error(error);
  };
  // Closed before the body ended and without an error (a server or framework called req.destroy()).
  const onClose = () => onError(new Error("The request body was cut off."));
  const detach = () => {
    req.off("data", onData);
    req.off("end", onEnd);
    // Stryker disable next-line StringLiteral: equivalent: every way to detach ends the stream (closed, errored or cancelled) first or at once, and error() on an ended stream does nothing
    req.off("error", onError);
    // Stryker disable next-line StringLiteral: equivalent: as for "error" above
    req.off("close", onClose);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
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
        detach();
        req.resume(); // discard the rest so the connection can be reused
      },
    },
    // 0: nothing is read from the socket before the handler asks for it.
    { highWaterMark: 0 },
  );
  return {
    stream,
    // The answer is out: a handler still holding the body gets an error instead of a wait with no end.
    release() {
      onError(new Error("The answer was sent before the request body was read."));
    },
  };
}

/** A body a framework already read (Express' `express.json()` and friends). */
function parsedBody(req: IncomingMessage): BodyInit | undefined {
  const body = (req as { body?: unknown }).body;
  // Request copies bytes it is given, so the framework's buffer is never shared.
  if (typeof body === "string" || body instanceof Uint8Array) return body as BodyInit;
  // JSON.stringify gives undefined for undefined: no body, as for null.
  return body === null ? undefined : JSON.stringify(body);
}

function toRequest(req: IncomingMessage, method: string, signal: AbortSignal, origin: string | undefined): { request: Request; release: () => void } {
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
  // No url at all (a hand-made IncomingMessage) is the root, as "" becomes "/" below.
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "";
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

/** The adapter's own answer, written before anything else was: none of the handler's status or headers stay. */
function writeError(res: ServerResponse, status: number, message: string): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.statusCode = status;
  res.statusMessage = ""; // Node's own text for the status
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify({ error: { code: status, message } }));
}

/** `origin` as `scheme://host[:port]`, or a TypeError: a path or query there would end up in every URL. */
function checkOrigin(origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  const url = URL.canParse(origin) ? new URL(origin) : undefined;
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
    // Stryker disable next-line StringLiteral: equivalent: Node emits "error" on a ServerResponse only for a write after end, which this adapter never makes; kept in case a future Node does
    res.on("error", () => {}); // a client that hung up mid-answer is not the server's problem
    const method = (req.method ?? "GET").toUpperCase();
    const abort = new AbortController();
    let converted: { request: Request; release: () => void };
    try {
      converted = toRequest(req, method, abort.signal, origin);
    } catch {
      if (FORBIDDEN_METHODS.has(method)) writeError(res, 405, "Method not allowed.");
      else writeError(res, 400, "Bad request.");
      return;
    }
    // Until the answer is written (the finally below removes it), "close" means the client went away.
    const onClose = () => abort.abort();
    res.once("close", onClose);
    try {
      const response = await handler(converted.request);
      if (response.type === "error") {
        // The fetch way of saying "the connection died": make it really die.
        res.destroy();
        return;
      }
      res.statusCode = response.status;
      res.statusMessage = response.statusText; // "" leaves Node's own text
      // Stryker disable next-line ConditionalExpression,ArrayDeclaration: equivalent on Node 20, whose Headers all have getSetCookie
      const cookies = typeof response.headers.getSetCookie === "function" ? response.headers.getSetCookie() : [];
      response.headers.forEach((value, name) => {
        if (!SKIPPED_RESPONSE_HEADERS.has(name)) res.setHeader(name, value);
      });
      // Stryker disable next-line ConditionalExpression: equivalent: Node sends no Set-Cookie for an empty list
      if (cookies.length) res.setHeader("Set-Cookie", cookies);
      const body = method === "HEAD" || !response.body ? undefined : new Uint8Array(await response.arrayBuffer());
      // Answered before the body ended (413, 408, a refusal): don't keep reading what a client may
      // trickle or pour in forever. The answer goes out whole, then Node closes the connection.
      // (A client that went away meanwhile: Node drops what is written to a destroyed response.)
      if (!req.readableEnded && !NO_BODY.has(method)) res.setHeader("Connection", "close");
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
