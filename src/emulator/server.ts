/**
 * The emulator over real HTTP (Node only): node:http in front of the platform-neutral app.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createOpenRouterEmulatorApp,
  mountEmulator,
  type MountedOpenRouterEmulator,
  type OpenRouterEmulatorApp,
  type OpenRouterEmulatorOptions,
} from "./app.js";

/** Largest request body read; the emulator's bodies are a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface StartOpenRouterEmulatorOptions extends OpenRouterEmulatorOptions {
  /** Default 0: any free port (read it from `url`). */
  port?: number;
  /** Default "127.0.0.1": loopback only. */
  host?: string;
}

export interface RunningOpenRouterEmulator extends MountedOpenRouterEmulator {
  /** Stops listening and closes every connection, keep-alive ones included. */
  close(): Promise<void>;
}

// Set by node:http itself or meaningless once the request is a fetch Request.
const SKIPPED_HEADERS = new Set(["host", "connection", "keep-alive", "transfer-encoding", "content-length", "upgrade", "expect"]);

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers["content-length"]) > MAX_BODY_BYTES) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    if (SKIPPED_HEADERS.has(name.toLowerCase())) continue;
    try {
      headers.append(name, req.rawHeaders[i + 1] as string);
    } catch {
      // A header value fetch refuses is dropped, not fatal.
    }
  }
  return headers;
}

function sendJsonError(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Access-Control-Allow-Origin": req.headers.origin ?? "*",
    Vary: "Origin",
    Connection: "close",
  });
  res.end(JSON.stringify({ error: { code: status, message } }));
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  if (response.type === "error") {
    // The fetch way of saying "the connection died": make it really die.
    req.socket.destroy();
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  if (res.destroyed) return;
  const headers: Record<string, string> = { "content-length": String(body.length) };
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(body);
}

/** One node:http exchange through the app: IncomingMessage -> Request, Response -> ServerResponse. */
async function serve(app: OpenRouterEmulatorApp, origin: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.on("error", () => {}); // a client that hung up is not the server's problem
  if (!req.url?.startsWith("/")) return sendJsonError(req, res, 400, "Bad Request");
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (req.method !== "GET" && req.method !== "HEAD") {
    try {
      body = new Uint8Array(await readBody(req));
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) return sendJsonError(req, res, 400, "Bad Request");
      req.resume(); // discard the rest so the client can read the answer
      return sendJsonError(req, res, 413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
    }
  }
  // Aborts delays when the client goes away before its answer.
  const gone = new AbortController();
  res.on("close", () => gone.abort());
  let request: Request;
  try {
    request = new Request(origin + req.url, { method: req.method, headers: toHeaders(req), body, signal: gone.signal });
  } catch {
    // fetch refuses some methods (CONNECT, TRACE) and malformed URLs outright.
    return sendJsonError(req, res, /^(CONNECT|TRACE|TRACK)$/i.test(req.method ?? "") ? 405 : 400, "Bad Request");
  }
  await writeResponse(req, res, await app.handle(request));
}

/**
 * Starts the emulator on `host:port` (default 127.0.0.1 and a free port). The answer holds
 * the URLs to point the client at, the accepted API key, and the app's events and faults.
 */
export async function startOpenRouterEmulator(options: StartOpenRouterEmulatorOptions = {}): Promise<RunningOpenRouterEmulator> {
  const { port = 0, host = "127.0.0.1", ...appOptions } = options;
  const app = createOpenRouterEmulatorApp(appOptions);
  let origin = "";

  const server = createServer((req, res) => {
    serve(app, origin, req, res).catch(() => sendJsonError(req, res, 500, "Internal Server Error"));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // Listening on every interface: advertise loopback, which is among them.
  const reachable = address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "::1" : address.address;
  const hostname = reachable.includes(":") ? `[${reachable}]` : reachable;
  origin = `http://${hostname}:${address.port}`;

  let closing: Promise<void> | undefined;
  const running = mountEmulator(app, origin, {
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  });
  return running;
}
