// Mounts a fetch-standard handler (such as createMintHandler's) on Node's `http` server,
// Express or Connect. Only types come from node:http, so importing this file costs nothing elsewhere.
import type { IncomingMessage, ServerResponse } from "node:http";

/** A fetch-standard handler: `createMintHandler(...)` is one. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;
/** Resolves once the answer is written; `http.createServer(toNodeHandler(h))` just ignores that. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const NO_BODY = new Set(["GET", "HEAD"]);
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
      if (!req.readableEnded) req.resume();
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

function toRequest(req: IncomingMessage, signal: AbortSignal): { request: Request; release: () => void } {
  const method = (req.method ?? "GET").toUpperCase();
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(":") || value === undefined) continue; // HTTP/2 pseudo-headers
    try {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else headers.set(name, value);
    } catch {
      // a header value fetch refuses: leave it out
    }
  }
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const host = req.headers.host ?? (req.headers[":authority"] as string | undefined) ?? "localhost";
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/";
  const url = new URL(`${encrypted ? "https" : "http"}://${host}${path.startsWith("/") ? path : `/${path}`}`);

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
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify({ error: { code: status, message } }));
}

/**
 * Adapts a fetch-standard handler to Node: `http.createServer(toNodeHandler(createMintHandler({...})))`,
 * or `app.post("/api/openrouter/mint", toNodeHandler(handler))` in Express. The request's URL is
 * built from the `Host` header and the socket (http/https); behind a proxy, set `policy.allowedOrigins`.
 * The answer is buffered (mint answers are tiny), never logged.
 */
export function toNodeHandler(handler: FetchHandler): NodeHandler {
  if (typeof handler !== "function") throw new TypeError("toNodeHandler: handler must be a function.");
  return async function nodeHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.once("close", onClose);
    let converted: { request: Request; release: () => void };
    try {
      converted = toRequest(req, abort.signal);
    } catch {
      writeError(res, 400, "Bad request.");
      return;
    }
    try {
      const response = await handler(converted.request);
      res.statusCode = response.status;
      if (response.statusText) res.statusMessage = response.statusText;
      const cookies = typeof response.headers.getSetCookie === "function" ? response.headers.getSetCookie() : [];
      response.headers.forEach((value, name) => {
        if (!SKIPPED_RESPONSE_HEADERS.has(name)) res.setHeader(name, value);
      });
      if (cookies.length) res.setHeader("Set-Cookie", cookies);
      const body = converted.request.method === "HEAD" || !response.body ? undefined : new Uint8Array(await response.arrayBuffer());
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
