// The suite's network layer, the same for every engine: each browser sends all its HTTP through
// this forward proxy in the test process. WebDriver classic (WebKitGTK) can neither watch
// requests, route them nor add init scripts, so the proxy does all three for all engines alike:
// - it records every request (method, URL, headers, body, status, how it ended) and what the
//   browser got back (headers and body);
// - `route()` answers chosen requests itself (the harness page, a provider that echoes secrets);
// - it puts the page probe (page-probe.js) first into every HTML document it passes, and answers
//   the probe's reports (`/__e2e__/report`, on any origin) itself: page errors, console lines,
//   window.open calls, fetches, storage writes, hashed verifiers, URLs;
// - it appends `report-uri /__e2e__/csp` to a page's Content-Security-Policy, so CSP violations
//   come back as page errors even from pages that run no script of ours (the probe is not
//   injected where a CSP would block it: such pages, the emulator's, run no scripts at all).
// Upstream failures are passed on as they happened: a dropped upstream connection drops the
// browser's, and a request the browser abandons is aborted upstream.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export const REPORT_PATH = "/__e2e__/report";
export const CSP_REPORT_PATH = "/__e2e__/csp";

export interface ProxiedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** A top-level or frame document (where the probe goes), not a fetch or subresource. */
  document: boolean;
  /** The status answered, once answered. */
  status?: number;
  /** The answer's headers, once answered. */
  responseHeaders?: Record<string, string>;
  /**
   * The answer's body as the browser got it (UTF-8; the probe included), once it has all passed:
   * what the page could read. Cut after RESPONSE_BODY_LIMIT bytes (`responseBodyCut`).
   */
  responseBody?: string;
  responseBodyCut?: boolean;
  /** pending until it ends; `aborted`: the browser gave up first; `failed`: upstream broke. */
  outcome: "pending" | "answered" | "aborted" | "failed";
  /** Answered by a route, not by the server. */
  routed: boolean;
}

/** What the page probe reports (see page-probe.js), plus CSP violation reports. */
export interface PageReport {
  kind: "error" | "console" | "open" | "fetch" | "storage" | "digest" | "url" | "csp" | "dom";
  /** The page's URL when it reported. */
  href: string;
  [field: string]: unknown;
}

export interface RouteRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RouteResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Answers a request itself (a RouteResponse) or lets it through (undefined). */
export type RouteHandler = (request: RouteRequest) => RouteResponse | undefined | Promise<RouteResponse | undefined>;

export interface RecordingProxy {
  /** `127.0.0.1:port`, for the engines' proxy settings. */
  readonly hostPort: string;
  readonly port: number;
  requests(): ProxiedRequest[];
  reports(): PageReport[];
  /** Calls `listener` with every report as it arrives; returns the unsubscribe. */
  onReport(listener: (report: PageReport) => void): () => void;
  route(handler: RouteHandler): () => void;
  /** The script put into documents from now on. */
  setProbe(source: string): void;
  /** Forgets requests, reports, routes and listeners, and sets the probe back (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** Bytes of an answer kept in `responseBody`: far more than any page, script or JSON answer here. */
export const RESPONSE_BODY_LIMIT = 4 * 1024 * 1024;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const HOP_BY_HOP = new Set(["proxy-connection", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization"]);

function forwardHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : (value ?? "")]));
}

function isDocumentRequest(req: IncomingMessage): boolean {
  const dest = req.headers["sec-fetch-dest"];
  if (dest) return dest === "document" || dest === "iframe";
  // An engine without Fetch Metadata: a GET that asks for HTML first is a navigation.
  return req.method === "GET" && /^text\/html/.test(String(req.headers.accept ?? ""));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => done(Buffer.concat(chunks)));
    req.on("error", fail);
  });
}

/** Keeps what the browser got of an answer (the body as sent, not decoded: the suite's servers send no Content-Encoding). */
function keepBody(record: ProxiedRequest, chunks: Buffer[]): void {
  const body = Buffer.concat(chunks);
  record.responseBody = body.subarray(0, RESPONSE_BODY_LIMIT).toString("utf8");
  record.responseBodyCut = body.length > RESPONSE_BODY_LIMIT;
}

/** Puts `<script>` first into the document: after `<head>` when there is one, else at the start. */
function inject(html: string, script: string): string {
  const tag = `<script>${script}</script>`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length);
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  return doctype ? doctype[0] + tag + html.slice(doctype[0].length) : tag + html;
}

/**
 * Starts the proxy on a free loopback port. `probe` is the script source put into documents
 * (page-probe.js applied to its options).
 */
export async function startRecordingProxy({ probe: defaultProbe }: { probe: string }): Promise<RecordingProxy> {
  let probe = defaultProbe;
  let requests: ProxiedRequest[] = [];
  let reports: PageReport[] = [];
  let routes: RouteHandler[] = [];
  let listeners: Array<(report: PageReport) => void> = [];
  const sockets = new Set<Socket>();

  const addReport = (report: PageReport) => {
    reports.push(report);
    for (const listener of listeners) listener(report);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? "");
      if (url.protocol !== "http:") throw new Error("not http");
    } catch {
      res.writeHead(400, { "Content-Type": "text/plain" }).end("this proxy takes absolute http:// URLs only\n");
      return;
    }
    const body = await readBody(req);
    if (!LOOPBACK.has(url.hostname)) {
      // The browser's own background traffic (update checks and the like): the machine has no
      // network, and the tests have no business there. Refused at once, not recorded.
      req.socket.destroy();
      return;
    }

    if (url.pathname === REPORT_PATH && req.method === "POST") {
      try {
        const report = JSON.parse(body.toString("utf8")) as PageReport;
        if (report && typeof report.kind === "string") addReport(report);
      } catch {
        addReport({ kind: "error", href: url.href, message: `unreadable probe report: ${body.toString("utf8").slice(0, 200)}` });
      }
      res.writeHead(204, { "Cache-Control": "no-store" }).end();
      return;
    }
    if (url.pathname === CSP_REPORT_PATH && req.method === "POST") {
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        // reported anyway, with what we have
      }
      const violation = (parsed["csp-report"] ?? parsed) as Record<string, unknown>;
      addReport({
        kind: "csp",
        href: String(violation["document-uri"] ?? url.origin),
        blocked: String(violation["blocked-uri"] ?? ""),
        directive: String(violation["effective-directive"] ?? violation["violated-directive"] ?? ""),
        policy: String(violation["original-policy"] ?? ""),
      });
      res.writeHead(204, { "Cache-Control": "no-store" }).end();
      return;
    }

    const document = isDocumentRequest(req);
    const record: ProxiedRequest = {
      method: req.method ?? "GET",
      url: url.href,
      headers: flatHeaders(req.headers),
      body: body.toString("utf8"),
      document,
      outcome: "pending",
      routed: false,
    };
    requests.push(record);

    for (const route of routes) {
      const answer = await route({ method: record.method, url, headers: req.headers, body: record.body });
      if (!answer) continue;
      record.routed = true;
      record.status = answer.status;
      record.outcome = "answered";
      const headers: Record<string, string> = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
      record.responseHeaders = { ...headers };
      const csp = headers["content-security-policy"];
      if (csp) headers["content-security-policy"] = `${csp}; report-uri ${CSP_REPORT_PATH}`;
      const html = /^text\/html/i.test(headers["content-type"] ?? "");
      const text = document && html && !csp ? inject(answer.body ?? "", probe) : (answer.body ?? "");
      keepBody(record, [Buffer.from(text)]);
      res.writeHead(answer.status, { ...headers, "content-length": String(Buffer.byteLength(text)) }).end(text);
      return;
    }

    let answered = false;
    const upstream = httpRequest(
      { host: url.hostname, port: url.port || 80, method: req.method, path: url.pathname + url.search, headers: forwardHeaders(req.headers) },
      (upstreamRes) => {
        answered = true;
        record.status = upstreamRes.statusCode;
        record.responseHeaders = flatHeaders(upstreamRes.headers);
        const headers = forwardHeaders(upstreamRes.headers);
        const csp = upstreamRes.headers["content-security-policy"];
        if (csp) headers["content-security-policy"] = `${Array.isArray(csp) ? csp.join(", ") : csp}; report-uri ${CSP_REPORT_PATH}`;
        const html = /^text\/html/i.test(String(upstreamRes.headers["content-type"] ?? ""));
        if (document && html && !csp && !upstreamRes.headers["content-encoding"]) {
          void readBody(upstreamRes).then(
            (buffer) => {
              const text = inject(buffer.toString("utf8"), probe);
              keepBody(record, [Buffer.from(text)]);
              delete headers["content-length"];
              res.writeHead(upstreamRes.statusCode ?? 502, { ...headers, "content-length": String(Buffer.byteLength(text)) }).end(text);
              record.outcome = "answered";
            },
            () => {
              record.outcome = "failed";
              res.destroy();
            },
          );
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, headers);
        const chunks: Buffer[] = [];
        upstreamRes.on("data", (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.pipe(res);
        upstreamRes.on("end", () => {
          keepBody(record, chunks);
          if (record.outcome === "pending") record.outcome = "answered";
        });
        upstreamRes.on("error", () => {
          record.outcome = "failed";
          res.destroy();
        });
      },
    );
    upstream.on("error", () => {
      // The server dropped the connection (or refused it): the browser's connection drops too.
      if (record.outcome === "pending") record.outcome = "failed";
      res.destroy();
    });
    // The browser gave up (a fetch aborted, a window closed): so does the request upstream.
    res.on("close", () => {
      if (!res.writableFinished && record.outcome === "pending") {
        record.outcome = "aborted";
        upstream.destroy();
      } else if (!answered && record.outcome === "pending") {
        upstream.destroy();
      }
    });
    upstream.end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  // Browsers try HTTPS through CONNECT only for https:// URLs, which this suite never visits.
  server.on("connect", (_req, socket: Socket) => socket.end("HTTP/1.1 405 Method Not Allowed\r\n\r\n"));
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => done());
  });
  const { port } = server.address() as AddressInfo;

  return {
    hostPort: `127.0.0.1:${port}`,
    port,
    requests: () => [...requests],
    reports: () => [...reports],
    onReport(listener) {
      listeners.push(listener);
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
    route(handler) {
      routes.push(handler);
      return () => {
        routes = routes.filter((r) => r !== handler);
      };
    },
    setProbe(source) {
      probe = source;
    },
    reset() {
      probe = defaultProbe;
      requests = [];
      reports = [];
      routes = [];
      listeners = [];
    },
    close() {
      return new Promise<void>((done) => {
        server.close(() => done());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
