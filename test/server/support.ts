// Shared by the server tests: the app's secret, request builders, answers read whole, and a real
// redis-server started per suite (Debian's package; REDIS_SERVER overrides the path).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";
import { createPkcePair } from "../../src/core/pkce.js";
import type { FetchHandler } from "../../src/server/node.js";
import { toNodeHandler } from "../../src/server/node.js";

// The app's secret: the emulator accepts it as bearer, and no answer may ever contain it.
export const APP_KEY = "sk-or-v1-app-secret-0123456789abcdef0123456789";
export const APP = "https://app.example";
export const ROUTE = `${APP}/api/openrouter/mint`;
export const CALLBACK = `${APP}/connect/callback`;

export async function wireBody(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const pair = await createPkcePair();
  return { callback_url: CALLBACK, code_challenge: pair.codeChallenge, code_challenge_method: "S256", ...extra };
}

export function jsonRequest(
  body: unknown,
  init: { origin?: string | null; contentType?: string | null; method?: string; url?: string; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { ...init.headers };
  const contentType = init.contentType === undefined ? "application/json" : init.contentType;
  if (contentType !== null) headers["Content-Type"] = contentType;
  const origin = init.origin === undefined ? APP : init.origin;
  if (origin !== null) headers.Origin = origin;
  const method = init.method ?? "POST";
  return new Request(init.url ?? ROUTE, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : typeof body === "string" || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
  });
}

export interface ErrorBody {
  code: number | string;
  status?: number;
  scope?: string;
  message: string;
  metadata?: { issues: { path: unknown[]; message: string }[] };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: { data?: { id: string; app_id: number; created_at: string }; error?: ErrorBody; userId?: string | null; keyHint?: string };
}

/** Every answer the tests read, for the suites' "no secret in any answer" checks. */
export const answersSeen: string[] = [];

export async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  answersSeen.push(text);
  let json: Answer["json"] = {};
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: the assertions say so
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function call(handler: (request: Request) => Promise<Response>, request: Request): Promise<Answer> {
  return read(await handler(request));
}

export function expectError(answer: Answer, status: number, message?: RegExp | string): void {
  const problems: string[] = [];
  if (answer.status !== status) problems.push(`status ${answer.status}, expected ${status}`);
  if (!/^application\/json/.test(answer.headers.get("content-type") ?? "")) problems.push("not JSON");
  if (answer.json.error?.code !== status) problems.push(`error.code ${String(answer.json.error?.code)}`);
  const text = answer.json.error?.message;
  if (typeof text !== "string") problems.push("no message");
  else if (typeof message === "string" ? text !== message : message && !message.test(text)) problems.push(`message ${JSON.stringify(text)}`);
  if (problems.length) throw new Error(`${problems.join("; ")}: ${answer.text}`);
}

/** A handler under toNodeHandler on a real loopback port. */
export async function serve(handler: FetchHandler): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export const REDIS_SERVER = process.env.REDIS_SERVER || "/usr/bin/redis-server";
/** Why the Redis suites cannot run here, or undefined when they can. */
export const redisMissing = existsSync(REDIS_SERVER) ? undefined : `redis-server not found at ${REDIS_SERVER} (apt-get install redis-server, or set REDIS_SERVER)`;
/** CI sets REQUIRE_REDIS=1: there, a missing redis-server fails instead of skipping. */
export const redisRequired = process.env.REQUIRE_REDIS === "1";

export interface RunningRedis {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A throwaway redis-server in the foreground on a free loopback port, nothing persisted; stopped by its pid. */
export async function startRedis(): Promise<RunningRedis> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const url = `redis://127.0.0.1:${port}`;
    const ready = (async () => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
        client.on("error", () => {});
        try {
          await client.connect();
          const pong = await client.ping();
          await client.close();
          if (pong === "PONG") return true;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const outcome = await Promise.race([ready, exited.then(() => "exited" as const)]);
    if (outcome === true) {
      return {
        url,
        process: child,
        stop: async () => {
          if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGTERM");
          await exited;
        },
      };
    }
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    await exited;
    // The port was taken between the probe and the start: try another one.
    if (attempt >= 2) throw new Error(`redis-server did not start: ${output.slice(-500)}`);
  }
}
