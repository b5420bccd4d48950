/**
 * A local stand-in for OpenRouter's key-issuing flow, built on fetch-standard classes only
 * (Request, Response, URL, WebCrypto): the Node server (./server.ts) and msw handlers in a
 * browser run this same code.
 *
 * Behaviour, and where it is a guess:
 * - `GET /auth` is the consent page. With `callback_url` it names the app by the URL's host;
 *   without it (OpenRouter's documented headless mode) `code_challenge` is required and the code is
 *   shown on the page after approval. Approve/Deny is a plain HTML form POST to the same path, which
 *   validates every field again. Invalid parameters give a 400 error page and never redirect.
 * - Approve redirects (303) to `callback_url` with `code=` appended to its query string, which is
 *   kept as is. Deny redirects with `error=access_denied`: OpenRouter does not document what it does
 *   on deny; this is the OAuth 2.0 answer (RFC 6749, section 4.1.2.1), an assumption.
 * - The challenge is optional, as on OpenRouter: a code issued without one is exchanged without a
 *   verifier. A challenge without a method means `plain` (RFC 7636, section 4.3). A method without
 *   a challenge, and an S256 challenge that is not 43 base64url characters, are rejected (stricter
 *   than OpenRouter may be: both are client bugs the exchange would only report later).
 * - Exchange: an omitted (or null) `code_challenge_method` means "the method the code was issued
 *   with": the token request of RFC 7636 (section 4.5) carries no method, the server uses the one it
 *   stored. A method that differs from the stored one, including any method for a code issued
 *   without a challenge (what a URL cut at `&` produces), is 400 `Invalid code_challenge_method`.
 *   Checks run in this order (OpenRouter documents the answers, not the order): unknown code (403),
 *   expired (403), method (400), verifier (403). A failed check leaves the code usable (not
 *   documented; an assumption). A successful one deletes the code before the key is created, with
 *   no `await` in between, so concurrent exchanges of one code cannot both succeed.
 * - Expired codes answer "Authorization code expired" for one more lifetime, then are forgotten
 *   ("Invalid code or code_verifier"). Codes, keys and the event log each keep at most `maxRecords`
 *   entries (oldest dropped first), so memory stays flat however many flows run.
 * - Request bodies are validated strictly against the OpenAPI spec (unknown fields are errors), and
 *   every error body is `{ error: { code, message } }`, with CORS headers on every API answer.
 */
import { checkCallbackUrl } from "../core/callback-url.js";
import { base64url, CODE_VERIFIER_PATTERN, createCodeChallenge, type CodeChallengeMethod } from "../core/pkce.js";

export type EmulatorRoute = "auth" | "code" | "exchange" | "key";
export type UsageLimitType = "daily" | "weekly" | "monthly";
export type ExchangeOutcome = "ok" | "invalid_request" | "invalid_code" | "code_expired" | "invalid_code_challenge_method";

/** The key `POST /api/v1/auth/keys/code` accepts unless `apiKeys` says otherwise. Not a secret. */
export const EMULATOR_DEV_API_KEY = "sk-or-v1-emulator-dev-key";
export const DEFAULT_CODE_TTL_MS = 600_000;
export const DEFAULT_MAX_RECORDS = 1000;

export interface OpenRouterEmulatorOptions {
  /** How long a code can be exchanged; default 10 minutes, as on OpenRouter. */
  codeTtlMs?: number;
  /** Bearer keys accepted by `POST /api/v1/auth/keys/code`; default `[EMULATOR_DEV_API_KEY]`. */
  apiKeys?: readonly string[];
  /** The clock, in ms since the epoch; inject one to test expiry without waiting. */
  now?: () => number;
  /** `app_id` of minted codes; default 1. */
  appId?: number;
  /** `user_id` of exchanged keys; default "user_emulator". */
  userId?: string;
  /** Path the routes live under, e.g. "/openrouter"; default "" (`/auth`, `/api/v1/...`). */
  basePath?: string;
  /** Most codes, keys and events kept at once, oldest dropped first; default 1000. */
  maxRecords?: number;
  /** Called with every event as it is recorded (the CLI prints them). */
  onEvent?: (event: EmulatorEvent) => void;
}

export interface RequestEvent {
  type: "request";
  at: number;
  method: string;
  path: string;
  route: EmulatorRoute | null;
}

/** What a code was issued for: its PKCE challenge and the key's spend controls. */
export interface EmulatorGrant {
  callbackUrl: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: CodeChallengeMethod | null;
  limit: number | null;
  keyLabel: string | null;
  usageLimitType: UsageLimitType | null;
  expiresAt: string | null;
  workspaceId: string | null;
}

export interface CodeIssuedEvent extends EmulatorGrant {
  type: "code_issued";
  at: number;
  code: string;
  /** `consent`: approved on the consent page (headless when `callbackUrl` is null); `minted`: the API. */
  source: "consent" | "minted";
}

export interface ConsentDeniedEvent {
  type: "consent_denied";
  at: number;
  callbackUrl: string | null;
}

export interface ExchangeEvent {
  type: "exchange";
  at: number;
  /** The code sent, or null when the body had none. */
  code: string | null;
  status: number;
  outcome: ExchangeOutcome;
  /** Why it failed, for people reading test output. */
  detail: string | null;
  /** The key issued, when `outcome` is "ok". */
  key: string | null;
}

export interface FaultEvent {
  type: "fault";
  at: number;
  route: EmulatorRoute;
  fault: "delay" | "fail" | "drop" | "malformed";
}

export type EmulatorEvent = RequestEvent | CodeIssuedEvent | ConsentDeniedEvent | ExchangeEvent | FaultEvent;

/**
 * Faults for the next requests of a route. Preflights and 405s never consume them.
 * `failNext` answers instead of the route (nothing happens: a code stays usable); `dropNext` and
 * `malformedNext` let the route run, then lose or garble its answer (an exchange then has used
 * the code and created a key the client never sees). Queued faults apply in the order given.
 */
export interface EmulatorFaults {
  /** Delays every request of `route` by `ms` until cleared (0 removes the delay). */
  delay(route: EmulatorRoute, ms: number): void;
  /** Answers the next `count` (default 1) requests with `status` and the spec's error body. */
  failNext(route: EmulatorRoute, options: { status: number; count?: number; message?: string }): void;
  /** Drops the connection of the next `count` requests (`Response.error()`; the server destroys the socket). */
  dropNext(route: EmulatorRoute, count?: number): void;
  /** Answers the next `count` requests with 200 and an HTML body instead of JSON. */
  malformedNext(route: EmulatorRoute, count?: number): void;
  /** Sends `Cross-Origin-Opener-Policy: same-origin` with the consent page (severs `window.opener`). */
  coop(enabled: boolean): void;
  clear(): void;
}

export interface OpenRouterEmulatorApp {
  handle(request: Request): Promise<Response>;
  /** The first accepted bearer key. */
  readonly apiKey: string;
  readonly apiKeys: readonly string[];
  readonly codeTtlMs: number;
  /** Everything recorded so far, oldest first (a copy). */
  readonly events: readonly EmulatorEvent[];
  requests(): RequestEvent[];
  codesIssued(): CodeIssuedEvent[];
  exchanges(): ExchangeEvent[];
  /** How many codes, keys and events are held right now. */
  stats(): { codes: number; keys: number; events: number };
  /** Forgets all codes, keys, events and faults. */
  reset(): void;
  readonly faults: EmulatorFaults;
}

type Grant = EmulatorGrant;

interface IssuedCode extends Grant {
  source: "consent" | "minted";
  issuedAt: number;
}

/** An emulator mounted at `url` (a server's origin, or an msw base URL), with shortcuts to its app. */
export interface MountedOpenRouterEmulator {
  /** e.g. `http://127.0.0.1:8787` or `https://openrouter.ai`, without a trailing slash. */
  readonly url: string;
  /** `${url}/auth`: the consent page, the provider's `authUrl`. */
  readonly authUrl: string;
  /** `${url}/api/v1`: the client's `baseUrl`. */
  readonly apiBaseUrl: string;
  /** The bearer key `POST /api/v1/auth/keys/code` accepts (not a secret). */
  readonly apiKey: string;
  /** The emulator itself: `handle(request)`, events, faults, `reset()`. */
  readonly app: OpenRouterEmulatorApp;
  /** Everything recorded so far, oldest first. */
  readonly events: readonly EmulatorEvent[];
  readonly faults: EmulatorFaults;
  exchanges(): ExchangeEvent[];
  codesIssued(): CodeIssuedEvent[];
  /** Forgets all codes, keys, events and faults. */
  reset(): void;
}

/** The URLs and shortcuts of `app` mounted at `url`, plus whatever `extra` the host adds. */
export function mountEmulator<T extends object>(app: OpenRouterEmulatorApp, url: string, extra: T): MountedOpenRouterEmulator & T {
  return {
    url,
    authUrl: `${url}/auth`,
    apiBaseUrl: `${url}/api/v1`,
    apiKey: app.apiKey,
    app,
    get events() {
      return app.events;
    },
    faults: app.faults,
    exchanges: () => app.exchanges(),
    codesIssued: () => app.codesIssued(),
    reset: () => app.reset(),
    ...extra,
  };
}

interface IssuedKey {
  label: string;
  limit: number | null;
  limitReset: UsageLimitType | null;
  expiresAt: string | null;
  workspaceId: string | null;
}

type QueuedFault = { kind: "fail"; status: number; message: string | undefined } | { kind: "drop" } | { kind: "malformed" };

const ROUTES = new Map<string, EmulatorRoute>([
  ["/auth", "auth"],
  ["/api/v1/auth/keys/code", "code"],
  ["/api/v1/auth/keys", "exchange"],
  ["/api/v1/key", "key"],
]);
const ROUTE_METHODS: Record<EmulatorRoute, readonly string[]> = { auth: ["GET", "POST"], code: ["POST"], exchange: ["POST"], key: ["GET"] };

// A wildcard does not cover Authorization (Fetch standard), so every header is named.
const PREFLIGHT_HEADERS = {
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, Content-Type, HTTP-Referer, X-OpenRouter-Title, X-OpenRouter-Categories, X-Title",
  "Access-Control-Max-Age": "600",
};

const CONSENT_PARAMS = ["callback_url", "code_challenge", "code_challenge_method", "limit", "key_label"] as const;
const MINT_FIELDS = new Set(["callback_url", "code_challenge", "code_challenge_method", "limit", "expires_at", "key_label", "usage_limit_type", "workspace_id"]);
const EXCHANGE_FIELDS = new Set(["code", "code_verifier", "code_challenge_method"]);
const USAGE_LIMIT_TYPES: readonly string[] = ["daily", "weekly", "monthly"];
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_UTC_WITH_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const MAX_LABEL_LENGTH = 100;
const INVALID_CODE = "Invalid code or code_verifier";
const FAIL_MESSAGES: Record<number, string> = {
  409: "Resource conflict. Please try again later.",
  429: "Rate limit exceeded",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

// ---------------------------------------------------------------- validation

function isMethod(value: unknown): value is CodeChallengeMethod {
  return value === "S256" || value === "plain";
}

function checkChallenge(challenge: string, method: CodeChallengeMethod): string | undefined {
  if (!CODE_VERIFIER_PATTERN.test(challenge)) return "code_challenge: must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)";
  if (method === "S256" && !S256_CHALLENGE.test(challenge)) {
    return "code_challenge: an S256 challenge is 43 base64url characters (SHA-256 of the verifier, no padding)";
  }
  return undefined;
}

/** ISO 8601 in UTC with seconds, and a real date (2027-02-30 is not). */
function isIsoUtcWithSeconds(value: unknown): boolean {
  if (typeof value !== "string" || !ISO_UTC_WITH_SECONDS.test(value)) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 19) === value.slice(0, 19);
}

/** The consent page's query (or its form): a grant, or the problem as text. */
function readConsentParams(params: URLSearchParams): Grant | string {
  for (const name of CONSENT_PARAMS) if (params.getAll(name).length > 1) return `${name}: given more than once`;
  const callbackUrl = params.get("callback_url");
  const challenge = params.get("code_challenge");
  const methodText = params.get("code_challenge_method");
  const limitText = params.get("limit");
  const keyLabel = params.get("key_label");

  if (callbackUrl !== null) {
    const problem = checkCallbackUrl(callbackUrl);
    if (problem) return `callback_url: ${problem}`;
  } else if (challenge === null) {
    return "code_challenge: required in headless mode (without callback_url)";
  }
  if (methodText !== null && !isMethod(methodText)) return 'code_challenge_method: must be "S256" or "plain"';
  if (methodText !== null && challenge === null) return "code_challenge_method: given without code_challenge";
  const method = challenge === null ? null : ((methodText as CodeChallengeMethod | null) ?? "plain");
  if (challenge !== null && method !== null) {
    const problem = checkChallenge(challenge, method);
    if (problem) return problem;
  }
  const limit = limitText === null ? null : Number(limitText);
  if (limit !== null && (limitText?.trim() === "" || !Number.isFinite(limit) || limit < 0)) return "limit: must be a number >= 0";
  if (keyLabel !== null && keyLabel.length > MAX_LABEL_LENGTH) return `key_label: must be at most ${MAX_LABEL_LENGTH} characters`;
  return { callbackUrl, codeChallenge: challenge, codeChallengeMethod: method, limit, keyLabel, usageLimitType: null, expiresAt: null, workspaceId: null };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body of `POST /api/v1/auth/keys/code`, checked as the spec describes it. */
function readMintBody(body: unknown): Grant | string {
  if (!isPlainObject(body)) return "body: must be a JSON object";
  for (const key of Object.keys(body)) if (!MINT_FIELDS.has(key)) return `${key}: unknown field`;
  const { callback_url, code_challenge, code_challenge_method, limit, expires_at, key_label, usage_limit_type, workspace_id } = body;

  if (callback_url === undefined) return "callback_url: required";
  const problem = checkCallbackUrl(callback_url);
  if (problem) return `callback_url: ${problem}`;
  if (code_challenge_method !== undefined && !isMethod(code_challenge_method)) return 'code_challenge_method: must be "S256" or "plain"';
  if (code_challenge === undefined && code_challenge_method !== undefined) return "code_challenge_method: given without code_challenge";
  if (code_challenge !== undefined && typeof code_challenge !== "string") return "code_challenge: must be a string";
  const method = code_challenge === undefined ? null : (code_challenge_method ?? "plain");
  if (typeof code_challenge === "string" && method) {
    const challengeProblem = checkChallenge(code_challenge, method);
    if (challengeProblem) return challengeProblem;
  }
  if (limit !== undefined && (typeof limit !== "number" || !Number.isFinite(limit) || limit < 0)) return "limit: must be a number >= 0";
  if (expires_at !== undefined && expires_at !== null && !isIsoUtcWithSeconds(expires_at)) {
    return "expires_at: must be an ISO 8601 UTC date-time with seconds (e.g. 2027-12-31T23:59:59Z) or null";
  }
  if (key_label !== undefined && (typeof key_label !== "string" || key_label.length > MAX_LABEL_LENGTH)) {
    return `key_label: must be a string of at most ${MAX_LABEL_LENGTH} characters`;
  }
  if (usage_limit_type !== undefined && !USAGE_LIMIT_TYPES.includes(usage_limit_type as string)) {
    return 'usage_limit_type: must be "daily", "weekly" or "monthly"';
  }
  if (workspace_id !== undefined && (typeof workspace_id !== "string" || !UUID.test(workspace_id))) return "workspace_id: must be a UUID";
  return {
    callbackUrl: callback_url as string,
    codeChallenge: (code_challenge as string | undefined) ?? null,
    codeChallengeMethod: method,
    limit: (limit as number | undefined) ?? null,
    keyLabel: (key_label as string | undefined) ?? null,
    usageLimitType: (usage_limit_type as UsageLimitType | undefined) ?? null,
    expiresAt: (expires_at as string | null | undefined) ?? null,
    workspaceId: (workspace_id as string | undefined) ?? null,
  };
}

interface ExchangeRequest {
  code: string;
  verifier: string | undefined;
  method: CodeChallengeMethod | null;
}

function readExchangeBody(body: unknown): ExchangeRequest | string {
  if (!isPlainObject(body)) return "body: must be a JSON object";
  for (const key of Object.keys(body)) if (!EXCHANGE_FIELDS.has(key)) return `${key}: unknown field`;
  const { code, code_verifier, code_challenge_method } = body;
  if (typeof code !== "string" || code === "") return "code: required, a non-empty string";
  if (code_verifier !== undefined && typeof code_verifier !== "string") return "code_verifier: must be a string";
  if (code_challenge_method !== undefined && code_challenge_method !== null && !isMethod(code_challenge_method)) {
    return 'code_challenge_method: must be "S256", "plain" or null';
  }
  return { code, verifier: code_verifier, method: code_challenge_method ?? null };
}

// ---------------------------------------------------------------- responses

function randomToken(bytes: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(bytes));
}

function newApiKey(): string {
  return `sk-or-v1-${Array.from(randomToken(32), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Seconds precision, like OpenRouter's `created_at` ("2025-08-24T10:30:00Z"). */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function corsHeaders(request: Request): Record<string, string> {
  return { "Access-Control-Allow-Origin": request.headers.get("Origin") ?? "*", Vary: "Origin" };
}

function json(request: Request, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...corsHeaders(request), ...headers },
  });
}

function apiError(request: Request, status: number, message: string, headers?: Record<string, string>): Response {
  return json(request, status, { error: { code: status, message } }, headers);
}

function malformed(request: Request): Response {
  return new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", {
    status: 200,
    headers: { "Content-Type": "text/html", ...corsHeaders(request) },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(status: number, title: string, body: string): Response {
  const document = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · OpenRouter emulator</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem; color: #111; }
.note { font-size: .85rem; color: #555; border-bottom: 1px solid #ddd; padding-bottom: .5rem; }
dt { font-weight: 600; } dd { margin: 0 0 .5rem; overflow-wrap: anywhere; }
button { font: inherit; padding: .5rem 1.25rem; margin-right: .5rem; }
output { display: block; font: 1.1rem monospace; padding: .75rem; background: #f3f3f3; overflow-wrap: anywhere; user-select: all; }
</style>
</head>
<body>
<main>
<p class="note">OpenRouter emulator: a local test double, not openrouter.ai.</p>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
  return new Response(document, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'",
    },
  });
}

function errorPage(status: number, message: string): Response {
  return html(status, "This connection request is invalid", `<p role="alert">${escapeHtml(message)}</p>\n<p>No key was created and you were not redirected.</p>`);
}

function formatCredits(limit: number): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 6 }).format(limit);
}

function formatDuration(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.max(1, Math.round(ms / 1000))} seconds`;
}

function consentPage(grant: Grant, params: URLSearchParams, action: string): Response {
  const app = grant.callbackUrl ? new URL(grant.callbackUrl).host : null;
  const rows: Array<[string, string]> = [];
  if (app) rows.push(["App", app]);
  rows.push(["Credit limit", grant.limit === null ? "No limit" : formatCredits(grant.limit)]);
  if (grant.keyLabel !== null) rows.push(["Key label", grant.keyLabel]);
  rows.push(["Returns to", grant.callbackUrl ?? "Nowhere: the code is shown on this page (headless mode)"]);
  rows.push(["PKCE", grant.codeChallengeMethod ?? "none"]);
  const hidden = CONSENT_PARAMS.filter((name) => params.has(name)).map(
    (name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? "")}">`,
  );
  const intro = app
    ? `<p><strong>${escapeHtml(app)}</strong> asks for an OpenRouter API key of your own. It can spend credits up to the limit below.</p>`
    : "<p>An app without a web page (a CLI, a device) asks for an OpenRouter API key of your own.</p>";
  return html(
    200,
    app ? `Connect ${app} to OpenRouter` : "Create an OpenRouter API key",
    `${intro}
<dl>
${rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join("\n")}
</dl>
<form method="post" action="${escapeHtml(action)}">
${hidden.join("\n")}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

/** `callback` with one more query parameter; its own query string is kept exactly as it was. */
function withParam(callback: string, name: string, value: string): string {
  const url = new URL(callback);
  const pair = `${name}=${encodeURIComponent(value)}`;
  url.search = url.search.length > 1 ? `${url.search}&${pair}` : `?${pair}`;
  return url.toString();
}

function redirect(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

function checkCount(count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError("count must be a positive integer");
  return count;
}

// ---------------------------------------------------------------- the app

export function createOpenRouterEmulatorApp(options: OpenRouterEmulatorOptions = {}): OpenRouterEmulatorApp {
  const codeTtlMs = options.codeTtlMs ?? DEFAULT_CODE_TTL_MS;
  if (!(codeTtlMs > 0 && Number.isFinite(codeTtlMs))) throw new RangeError("codeTtlMs must be a positive number");
  const apiKeys = [...(options.apiKeys ?? [EMULATOR_DEV_API_KEY])];
  if (!apiKeys.length || apiKeys.some((key) => typeof key !== "string" || !/^\S+$/.test(key))) {
    throw new TypeError("apiKeys must be non-empty strings without whitespace");
  }
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  if (!Number.isInteger(maxRecords) || maxRecords < 1) throw new RangeError("maxRecords must be a positive integer");
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  if (basePath && !basePath.startsWith("/")) throw new TypeError('basePath must start with "/"');
  const now = options.now ?? Date.now;
  const appId = options.appId ?? 1;
  const userId = options.userId ?? "user_emulator";

  // Maps keep insertion order, which is issue order: the oldest entries come first.
  const codes = new Map<string, IssuedCode>();
  const keys = new Map<string, IssuedKey>();
  const log: EmulatorEvent[] = [];
  const delays = new Map<EmulatorRoute, number>();
  const queued = new Map<EmulatorRoute, QueuedFault[]>();
  let coopEnabled = false;

  function record(event: EmulatorEvent): void {
    log.push(event);
    if (log.length > maxRecords) log.splice(0, log.length - maxRecords);
    try {
      options.onEvent?.(event);
    } catch {
      // An observer's bug must not break the flow it observes.
    }
  }

  function issueCode(grant: Grant, source: "consent" | "minted"): string {
    const issuedAt = now();
    // Expired codes still answer "expired" for one more lifetime, then go.
    for (const [id, code] of codes) {
      if (issuedAt - code.issuedAt < 2 * codeTtlMs) break;
      codes.delete(id);
    }
    while (codes.size >= maxRecords) codes.delete(codes.keys().next().value as string);
    const id = `auth_code_${base64url(randomToken(24))}`;
    codes.set(id, { ...grant, source, issuedAt });
    record({ type: "code_issued", at: issuedAt, code: id, source, ...grant });
    return id;
  }

  function issueKey(code: IssuedCode): string {
    const key = newApiKey();
    const host = code.callbackUrl ? new URL(code.callbackUrl).host : null;
    while (keys.size >= maxRecords) keys.delete(keys.keys().next().value as string);
    keys.set(key, {
      // OpenRouter defaults the label to the app's name; the host is the emulator's app name.
      label: code.keyLabel ?? host ?? `${key.slice(0, 11)}...${key.slice(-3)}`,
      limit: code.limit,
      limitReset: code.usageLimitType,
      expiresAt: code.expiresAt,
      workspaceId: code.workspaceId,
    });
    return key;
  }

  /** The key named by `Authorization: Bearer`, or the 401 to answer. */
  function bearer(request: Request): string | Response {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("Authorization") ?? "");
    return match?.[1] ?? apiError(request, 401, "Missing Authentication header");
  }

  async function readJson(request: Request): Promise<{ ok: true; value: unknown } | { ok: false }> {
    try {
      return { ok: true, value: JSON.parse(await request.text()) };
    } catch {
      return { ok: false };
    }
  }

  async function authPage(request: Request, url: URL): Promise<Response> {
    if (request.method === "GET") {
      const grant = readConsentParams(url.searchParams);
      return typeof grant === "string" ? errorPage(400, grant) : consentPage(grant, url.searchParams, url.pathname);
    }
    if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers.get("Content-Type") ?? "")) {
      return errorPage(400, "The form must be sent as application/x-www-form-urlencoded.");
    }
    const form = new URLSearchParams(await request.text());
    const decision = form.get("decision");
    // Hidden fields are user input like any other: check them all again.
    const grant = readConsentParams(form);
    if (typeof grant === "string") return errorPage(400, grant);
    if (decision !== "approve" && decision !== "deny") return errorPage(400, 'decision: must be "approve" or "deny"');

    if (decision === "deny") {
      record({ type: "consent_denied", at: now(), callbackUrl: grant.callbackUrl });
      if (grant.callbackUrl) return redirect(withParam(grant.callbackUrl, "error", "access_denied"));
      return html(200, "Access denied", "<p>You denied the request. No key was created; you can close this page.</p>");
    }
    const code = issueCode(grant, "consent");
    if (grant.callbackUrl) return redirect(withParam(grant.callbackUrl, "code", code));
    return html(
      200,
      "Your code is ready",
      `<p>Paste this code into the app that asked for it. It works once, within ${formatDuration(codeTtlMs)}.</p>
<p><label for="code">Your code</label></p>
<output id="code">${escapeHtml(code)}</output>`,
    );
  }

  async function mintCode(request: Request): Promise<Response> {
    const key = bearer(request);
    if (key instanceof Response) return key;
    if (!apiKeys.includes(key)) return apiError(request, 401, "User not found.");
    const body = await readJson(request);
    if (!body.ok) return apiError(request, 400, "body: must be valid JSON");
    const grant = readMintBody(body.value);
    if (typeof grant === "string") return apiError(request, 400, grant);
    const id = issueCode(grant, "minted");
    const issuedAt = codes.get(id)?.issuedAt ?? now();
    return json(request, 200, { data: { id, app_id: appId, created_at: isoSeconds(issuedAt) } });
  }

  async function exchange(request: Request): Promise<Response> {
    const fail = (code: string | null, status: number, message: string, outcome: ExchangeOutcome, detail: string) => {
      record({ type: "exchange", at: now(), code, status, outcome, detail, key: null });
      return apiError(request, status, message);
    };
    const body = await readJson(request);
    if (!body.ok) return fail(null, 400, "body: must be valid JSON", "invalid_request", "body is not JSON");
    const parsed = readExchangeBody(body.value);
    if (typeof parsed === "string") {
      const code = isPlainObject(body.value) && typeof body.value.code === "string" ? body.value.code : null;
      return fail(code, 400, parsed, "invalid_request", parsed);
    }
    const { code, verifier, method } = parsed;
    // Hash first: from the lookup to deleting the code there is no await, so two
    // concurrent exchanges of one code cannot both get through.
    const s256 = verifier !== undefined && CODE_VERIFIER_PATTERN.test(verifier) ? await createCodeChallenge(verifier, "S256") : undefined;

    const issued = codes.get(code);
    if (!issued) return fail(code, 403, INVALID_CODE, "invalid_code", "unknown or already used code");
    if (now() - issued.issuedAt >= codeTtlMs) return fail(code, 403, "Authorization code expired", "code_expired", "code expired");
    if (method !== null && method !== issued.codeChallengeMethod) {
      return fail(code, 400, "Invalid code_challenge_method", "invalid_code_challenge_method", `code was issued with ${issued.codeChallengeMethod ?? "no challenge"}, exchanged with ${method}`);
    }
    if (issued.codeChallenge !== null) {
      const computed = issued.codeChallengeMethod === "S256" ? s256 : verifier;
      if (verifier === undefined) return fail(code, 403, INVALID_CODE, "invalid_code", "code_verifier missing");
      if (computed !== issued.codeChallenge) return fail(code, 403, INVALID_CODE, "invalid_code", "code_verifier does not match code_challenge");
    }
    codes.delete(code);
    const key = issueKey(issued);
    record({ type: "exchange", at: now(), code, status: 200, outcome: "ok", detail: null, key });
    return json(request, 200, { key, user_id: userId });
  }

  function describeKey(request: Request): Response {
    const key = bearer(request);
    if (key instanceof Response) return key;
    const issued = keys.get(key) ?? (apiKeys.includes(key) ? { label: "Emulator dev key", limit: null, limitReset: null, expiresAt: null, workspaceId: null } : undefined);
    if (!issued) return apiError(request, 401, "User not found.");
    if (issued.expiresAt !== null && Date.parse(issued.expiresAt) <= now()) return apiError(request, 401, "API key expired");
    return json(request, 200, {
      data: {
        label: issued.label,
        limit: issued.limit,
        limit_remaining: issued.limit,
        limit_reset: issued.limitReset,
        usage: 0,
        usage_daily: 0,
        usage_weekly: 0,
        usage_monthly: 0,
        byok_usage: 0,
        byok_usage_daily: 0,
        byok_usage_weekly: 0,
        byok_usage_monthly: 0,
        include_byok_in_limit: false,
        expires_at: issued.expiresAt,
        is_free_tier: false,
        is_management_key: false,
        is_provisioning_key: false,
        creator_user_id: userId,
        rate_limit: { requests: -1, interval: "10s", note: "This field is deprecated and safe to ignore." },
        allowed_data_regions: ["global"],
        free_model_daily_requests: { limit: 1000, remaining: 1000, used: 0 },
        organization_id: null,
        workspace_id: issued.workspaceId,
      },
    });
  }

  const handlers: Record<EmulatorRoute, (request: Request, url: URL) => Promise<Response> | Response> = {
    auth: authPage,
    code: mintCode,
    exchange,
    key: describeKey,
  };

  async function serve(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = basePath === "" ? url.pathname : url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : "";
    const route = ROUTES.get(path) ?? null;
    record({ type: "request", at: now(), method: request.method, path: url.pathname, route });
    if (!route) return apiError(request, 404, "Not Found");
    const api = route !== "auth";
    if (api && request.method === "OPTIONS") return new Response(null, { status: 204, headers: { ...corsHeaders(request), ...PREFLIGHT_HEADERS } });
    const allowed = ROUTE_METHODS[route];
    if (!allowed.includes(request.method)) {
      const headers = { Allow: allowed.join(", ") };
      if (api) return apiError(request, 405, "Method Not Allowed", headers);
      const page = errorPage(405, `${request.method} is not allowed here.`);
      page.headers.set("Allow", headers.Allow);
      return page;
    }

    const delay = delays.get(route) ?? 0;
    if (delay > 0) {
      record({ type: "fault", at: now(), route, fault: "delay" });
      await abortableSleep(delay, request.signal);
      if (request.signal.aborted) return Response.error();
    }
    const fault = queued.get(route)?.shift();
    if (fault) record({ type: "fault", at: now(), route, fault: fault.kind });
    if (fault?.kind === "fail") {
      const message = fault.message ?? FAIL_MESSAGES[fault.status] ?? "Injected failure";
      return api ? apiError(request, fault.status, message) : errorPage(fault.status, message);
    }
    const response = await handlers[route](request, url);
    if (fault?.kind === "drop") return Response.error();
    if (fault?.kind === "malformed") return malformed(request);
    return response;
  }

  const faults: EmulatorFaults = {
    delay(route, ms) {
      if (!(ms >= 0 && Number.isFinite(ms))) throw new RangeError("ms must be a number >= 0");
      delays.set(route, ms);
    },
    failNext(route, { status, count = 1, message }) {
      if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError("status must be an HTTP error status (400-599)");
      enqueue(route, { kind: "fail", status, message }, count);
    },
    dropNext(route, count = 1) {
      enqueue(route, { kind: "drop" }, count);
    },
    malformedNext(route, count = 1) {
      enqueue(route, { kind: "malformed" }, count);
    },
    coop(enabled) {
      coopEnabled = enabled;
    },
    clear() {
      delays.clear();
      queued.clear();
      coopEnabled = false;
    },
  };

  function enqueue(route: EmulatorRoute, fault: QueuedFault, count: number): void {
    if (!ROUTE_METHODS[route]) throw new TypeError(`unknown route "${String(route)}"`);
    const times = checkCount(count);
    const queue = queued.get(route) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    queued.set(route, queue);
  }

  return {
    async handle(request) {
      let response: Response;
      try {
        response = await serve(request);
      } catch {
        response = apiError(request, 500, "Internal Server Error");
      }
      const isAuthPage = new URL(request.url).pathname === `${basePath}/auth`;
      if (coopEnabled && isAuthPage && response.type !== "error") response.headers.set("Cross-Origin-Opener-Policy", "same-origin");
      return response;
    },
    apiKey: apiKeys[0] as string,
    apiKeys,
    codeTtlMs,
    get events() {
      return [...log];
    },
    requests: () => log.filter((e): e is RequestEvent => e.type === "request"),
    codesIssued: () => log.filter((e): e is CodeIssuedEvent => e.type === "code_issued"),
    exchanges: () => log.filter((e): e is ExchangeEvent => e.type === "exchange"),
    stats: () => ({ codes: codes.size, keys: keys.size, events: log.length }),
    reset() {
      codes.clear();
      keys.clear();
      log.length = 0;
      faults.clear();
    },
    faults,
  };
}
