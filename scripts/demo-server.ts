// The demo behind `npm start`: the local OpenRouter emulator, the app's server routes (mint a code
// with the app's key; exchange a code on the server and keep the key there) and the React app in
// demo/, all on loopback. Run it with tsx (no build step):
//
//   npm start                     dev: Vite in middleware mode, the app runs from src/
//   npm start -- --preview        the built app (vite build -c demo/vite.config.ts) from demo/dist
//   OPENROUTER_URL=https://openrouter.ai npm start
//                                 the real OpenRouter instead of the emulator; the minted flow then
//                                 needs OPENROUTER_API_KEY (kept on this server, never sent to the browser)
//
// Environment: PORT (default 5173) and EMULATOR_PORT (default 8787) fall back to a free port when
// taken; HOST (default 127.0.0.1).
//
// The routes fail closed, as an app's should: only this demo's own page may use them. Its HTML
// answer sets a session cookie (a random token of this run, HttpOnly, SameSite=Lax) that
// `authorize` checks and turns into the session's subject; `allowedOrigins` is the demo's own
// origin; each session and the whole demo have a quota; and a request whose Host is not a
// loopback name is refused with 421 (DNS rebinding).
import { randomBytes } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ViteDevServer } from "vite";
import { startOpenRouterEmulator, type RunningOpenRouterEmulator } from "../src/emulator/index.js";
import { maskKey } from "../src/core/rules.js";
import {
  createExchangeHandler,
  createMintHandler,
  toNodeHandler,
  type Authorize,
  type MintQuota,
  type NodeHandler,
} from "../src/server/index.js";

const DEMO_ROOT = fileURLToPath(new URL("../demo/", import.meta.url));
const DIST = join(DEMO_ROOT, "dist");
const MINT_PATH = "/api/mint";
const EXCHANGE_PATH = "/api/exchange";
const SESSION_PATH = "/api/session";
const SESSION_COOKIE = "orc_demo_session";
/** Sessions kept at once; the oldest is forgotten first. */
const MAX_SESSIONS = 1_000;

/** The demo's limits: generous for trying it out and for the e2e suite, finite all the same. */
export const DEMO_POLICY = { maxLimit: 100, maxLifetimeSeconds: 30 * 86_400, defaultKeyLabel: "openrouter-connect demo" } as const;
export const DEMO_QUOTA: Omit<MintQuota, "store"> = {
  perSubject: { windowSeconds: 3600, maxKeys: 20, maxExposure: 4_000 },
  global: { windowSeconds: 3600, maxKeys: 500 },
};

/** What the page reads from `/demo-config.js` as `window.__OPENROUTER_DEMO__`. */
export interface DemoConfig {
  authUrl: string;
  baseUrl: string;
  /** The app's own mint route, or null when the server has no OpenRouter key to mint with. */
  mintUrl: string | null;
  /** The app's exchange route: the server exchanges the code and keeps the key (createExchangeHandler). */
  exchangeUrl: string;
  /** `GET`: what the server stored for this browser's session, `{ keyHint, userId }`, or 404. */
  sessionUrl: string;
  /** True when the page talks to the local emulator, not openrouter.ai. */
  emulator: boolean;
}

export interface StartDemoServerOptions {
  /** Default 5173; 0 means any free port. A taken port falls back to a free one. */
  port?: number;
  /** Default 8787, as above. Ignored with `openRouterUrl`. */
  emulatorPort?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Serve the built demo/dist instead of running Vite. */
  preview?: boolean;
  /** e.g. https://openrouter.ai: use the real service, start no emulator. */
  openRouterUrl?: string;
  /** With `openRouterUrl`: the app's key for the mint route; without it the minted flow is off. */
  openRouterApiKey?: string;
}

export interface RunningDemoServer {
  /** The app, e.g. http://127.0.0.1:5173 */
  url: string;
  /** The emulator, unless `openRouterUrl` was given. */
  emulator: RunningOpenRouterEmulator | undefined;
  config: DemoConfig;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
};

/** Listens on `port`, or on a free port when it is taken. */
async function listen(server: Server, port: number, host: string): Promise<void> {
  const attempt = (p: number) =>
    new Promise<void>((done, fail) => {
      const onError = (error: NodeJS.ErrnoException) => fail(error);
      server.once("error", onError);
      server.listen(p, host, () => {
        server.off("error", onError);
        done();
      });
    });
  try {
    await attempt(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || port === 0) throw error;
    await attempt(0);
  }
}

async function startEmulator(port: number, host: string): Promise<RunningOpenRouterEmulator> {
  try {
    return await startOpenRouterEmulator({ port, host });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || port === 0) throw error;
    return startOpenRouterEmulator({ port: 0, host });
  }
}

function origin(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  const host = address === "0.0.0.0" || address === "::" ? "127.0.0.1" : address;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** A browser's demo session: its cookie names it; the key the exchange route stored, if any. */
interface Session {
  subject: string;
  stored?: { key: string; userId: string | null };
}

/** Sessions of this run only: a restart forgets every token, and with them every stored key. */
function createSessions() {
  const byToken = new Map<string, Session>();
  const bySubject = new Map<string, Session>();
  let count = 0;
  const tokenOf = (req: IncomingMessage | Request): string | undefined => {
    const header = req instanceof Request ? req.headers.get("cookie") : req.headers.cookie;
    for (const part of (header ?? "").split(";")) {
      const [name, ...value] = part.trim().split("=");
      if (name === SESSION_COOKIE) return value.join("=");
    }
    return undefined;
  };
  return {
    /** The request's session, if its cookie names one of this run's. */
    find(req: IncomingMessage | Request): Session | undefined {
      const token = tokenOf(req);
      return token === undefined ? undefined : byToken.get(token);
    },
    /** A Set-Cookie for a new session, unless the request already has one of this run's. */
    ensure(req: IncomingMessage): string | undefined {
      if (this.find(req)) return undefined;
      const token = randomBytes(32).toString("base64url");
      const session: Session = { subject: `demo-session-${++count}` };
      byToken.set(token, session);
      bySubject.set(session.subject, session);
      if (byToken.size > MAX_SESSIONS) {
        const [oldest, old] = byToken.entries().next().value as [string, Session];
        byToken.delete(oldest);
        bySubject.delete(old.subject);
      }
      // Lax, not Strict: a redirect coming back from OpenRouter is a cross-site navigation, which
      // would arrive without a Strict cookie and start a new session. Origin checks guard the routes.
      return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`;
    },
    bySubject: (subject: string | undefined) => (subject === undefined ? undefined : bySubject.get(subject)),
  };
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The Host header names this machine's loopback (a DNS-rebinding page's Host names its own domain). */
function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  try {
    return LOOPBACK_HOSTS.has(new URL(`http://${host}`).hostname);
  } catch {
    return false;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}

/** Serves demo/dist; any path that is not a file gets index.html (the callback lands on `/?code=`). */
function serveStatic(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { Allow: "GET, HEAD" }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  let file = normalize(join(DIST, pathname));
  if (!file.startsWith(DIST + sep) || !existsSync(file) || !statSync(file).isFile()) file = join(DIST, "index.html");
  const hashed = file.startsWith(join(DIST, "assets") + sep);
  res.writeHead(200, {
    "Content-Type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    "Cache-Control": hashed ? "public, max-age=31536000, immutable" : "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  if (req.method === "HEAD") res.end();
  else createReadStream(file).pipe(res);
}

/**
 * Starts the emulator (unless `openRouterUrl`), the app's routes (`/api/mint`, `/api/exchange`,
 * `/api/session`) and the app. Resolves once everything listens; `close()` stops all of it.
 */
export async function startDemoServer(options: StartDemoServerOptions = {}): Promise<RunningDemoServer> {
  const host = options.host ?? "127.0.0.1";
  const remote = options.openRouterUrl?.replace(/\/+$/, "");
  const emulator = remote ? undefined : await startEmulator(options.emulatorPort ?? 8787, host);

  const authUrl = remote ? `${remote}/auth` : (emulator as RunningOpenRouterEmulator).authUrl;
  const baseUrl = remote ? `${remote}/api/v1` : (emulator as RunningOpenRouterEmulator).apiBaseUrl;
  const mintKey = remote ? options.openRouterApiKey : emulator?.apiKey;
  const config: DemoConfig = {
    authUrl,
    baseUrl,
    mintUrl: mintKey ? MINT_PATH : null,
    exchangeUrl: EXCHANGE_PATH,
    sessionUrl: SESSION_PATH,
    emulator: !remote,
  };
  const configScript = `window.__OPENROUTER_DEMO__ = ${JSON.stringify(config)};\n`;
  const sessions = createSessions();
  // Only this demo's page vouches for a request: its session cookie names the subject.
  const authorize: Authorize = (request) => {
    const session = sessions.find(request);
    return session ? { subject: session.subject } : false;
  };
  // Both need the demo's own origin, known once the server listens.
  const routes: { mint?: NodeHandler; exchange?: NodeHandler } = {};

  if (options.preview && !existsSync(join(DIST, "index.html"))) {
    await emulator?.close();
    throw new Error("demo/dist is missing: build it first with `npx vite build -c demo/vite.config.ts`.");
  }

  const server = createServer();
  let vite: ViteDevServer | undefined;
  if (!options.preview) {
    const { createServer: createViteServer } = await import("vite");
    vite = await createViteServer({
      configFile: join(DEMO_ROOT, "vite.config.ts"),
      root: DEMO_ROOT,
      server: { middlewareMode: true, ws: { server } },
      appType: "spa",
      clearScreen: false,
      logLevel: "warn",
    });
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    // The callback page carries ?code= until the app removes it: never let it leak as a Referer.
    res.setHeader("Referrer-Policy", "no-referrer");
    if (!isLoopbackHost(req.headers.host)) {
      res.writeHead(421, { "Content-Type": "text/plain; charset=utf-8" }).end("This demo answers only on a loopback address (127.0.0.1, localhost).\n");
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/demo-config.js") {
      res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" });
      res.end(configScript);
      return;
    }
    if (path === MINT_PATH) {
      if (routes.mint) void routes.mint(req, res);
      else if (mintKey) sendJson(res, 503, { error: { code: 503, message: "Starting." } });
      else sendJson(res, 501, { error: { code: 501, message: "This demo server has no OpenRouter API key to mint with (set OPENROUTER_API_KEY)." } });
      return;
    }
    if (path === EXCHANGE_PATH) {
      if (routes.exchange) void routes.exchange(req, res);
      else sendJson(res, 503, { error: { code: 503, message: "Starting." } });
      return;
    }
    if (path === SESSION_PATH) {
      if (req.method !== "GET") {
        res.setHeader("Allow", "GET");
        sendJson(res, 405, { error: { code: 405, message: "Use GET." } });
        return;
      }
      // Only what the server stored for this session, the key masked: the key itself stays here.
      const stored = sessions.find(req)?.stored;
      if (stored) sendJson(res, 200, { keyHint: maskKey(stored.key), userId: stored.userId });
      else sendJson(res, 404, { error: { code: 404, message: "No key is stored for this session." } });
      return;
    }
    // A page (a navigation asking for HTML) gets this session's cookie, or a new one.
    const accept = req.headers.accept ?? "";
    if (req.method === "GET" && (req.headers["sec-fetch-dest"] === "document" || accept.includes("text/html"))) {
      const cookie = sessions.ensure(req);
      if (cookie) res.setHeader("Set-Cookie", cookie);
    }
    if (vite) {
      vite.middlewares(req, res, () => {
        res.writeHead(404).end();
      });
    } else {
      serveStatic(req, res);
    }
  });

  try {
    await listen(server, options.port ?? 5173, host);
  } catch (error) {
    await vite?.close();
    await emulator?.close();
    throw error;
  }

  const url = origin(server);
  const { port } = server.address() as AddressInfo;
  // The page may be opened as 127.0.0.1 or as localhost: both are this demo's origin.
  const allowedOrigins = [url, `http://localhost:${port}`];
  if (mintKey) {
    routes.mint = toNodeHandler(
      createMintHandler({
        apiKey: mintKey,
        baseUrl,
        appTitle: "openrouter-connect demo",
        authorize,
        policy: { ...DEMO_POLICY, allowedOrigins },
        quota: DEMO_QUOTA,
      }),
    );
  }
  routes.exchange = toNodeHandler(
    createExchangeHandler({
      baseUrl,
      authorize,
      policy: { allowedOrigins },
      // The key stays in this server's memory, with the session; the page only ever gets its hint.
      onKey: ({ subject, key, userId }) => {
        const session = sessions.bySubject(subject);
        if (!session) throw new Error("the session ended before its key arrived");
        session.stored = { key, userId };
      },
    }),
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    emulator,
    config,
    close() {
      closing ??= (async () => {
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        await vite?.close();
        await emulator?.close();
      })();
      return closing;
    },
  };
}

function portFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new Error(`${name} must be a port number (0-65535), not "${value}"`);
  return port;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== "--preview");
  if (unknown.length) {
    process.stderr.write(`Unknown argument ${unknown[0]}. Usage: tsx scripts/demo-server.ts [--preview]\n`);
    process.exit(2);
  }
  const demo = await startDemoServer({
    port: portFromEnv("PORT", 5173),
    emulatorPort: portFromEnv("EMULATOR_PORT", 8787),
    host: process.env.HOST || "127.0.0.1",
    preview: args.includes("--preview"),
    openRouterUrl: process.env.OPENROUTER_URL || undefined,
    openRouterApiKey: process.env.OPENROUTER_API_KEY || undefined,
  });
  const upstream = demo.emulator
    ? `OpenRouter emulator at ${demo.emulator.url}`
    : `OpenRouter at ${demo.config.baseUrl}${demo.config.mintUrl ? "" : "; minted flow off without OPENROUTER_API_KEY"}`;
  process.stdout.write(`openrouter-connect demo: ${demo.url}  (${upstream})\nPress Ctrl+C to stop.\n`);

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      const force = setTimeout(() => process.exit(1), 3000);
      force.unref();
      void demo.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(resolve(entry)).href) {
  main().catch((error: Error) => {
    process.stderr.write(`openrouter-connect demo: could not start: ${error.message}\n`);
    process.exit(1);
  });
}
