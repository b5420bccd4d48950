// createExchangeHandler: the backend-for-frontend half of the flow. The browser sends the code and
// its PKCE verifier here instead of to OpenRouter; the server exchanges the code once, hands the
// key to the app's `onKey` and answers only `{ userId, keyHint }`, so the key never enters
// browser JavaScript. Same gates as minting: method → Origin → body → authorize → schema.
// Fetch-standard only (no node: import).
import { createOpenRouterAuthClient, DEFAULT_BASE_URL } from "../core/client.js";
import { isOpenRouterAuthError } from "../core/errors.js";
import { maskKey } from "../core/rules.js";
import { exchangeAuthCodeRequestSchema, parseRequest, type ExchangeAuthCodeRequest } from "../core/schemas.js";
import { DEFAULT_BODY_TIMEOUT_MS, readJsonBody } from "./body.js";
import {
  allowedOriginsOption,
  checkMethod,
  checkOrigin,
  describe,
  errorResponse,
  functionOption,
  HttpError,
  INTERNAL_ERROR,
  isRequest,
  json,
  millisecondsOption,
  notify,
  optionError,
  redact,
  runAuthorize,
  type Authorize,
  type RefusedEvent,
} from "./http.js";

/** What `onKey` gets: the user's new key, on the server only. */
export interface ExchangedKeyEvent {
  /** The user's id from `authorize`, when it returned `{ subject }`. */
  subject: string | undefined;
  /** The user's new OpenRouter key. Store it; it is not sent to the browser. */
  key: string;
  /** OpenRouter's id of the user, or null. */
  userId: string | null;
}

/** What the browser gets on success. */
export interface ExchangeResult {
  userId: string | null;
  /** The key masked for display: `sk-or-v1-…abcd`. */
  keyHint: string;
}

export interface ExchangePolicy {
  /**
   * The origins your pages are served from (`https://app.example.com`): a request whose `Origin`
   * header is not one of them gets 403. Required; the handler never trusts `Host`. A request
   * without `Origin` (not a browser) is left to `authorize`.
   */
  allowedOrigins: readonly string[];
}

export interface ExchangeHandlerOptions {
  /** Who may exchange (and whose key it becomes: return `{ subject }`). Required. */
  authorize: Authorize;
  /**
   * Receives the key; store it for the user (may be async). The browser's answer waits for it. If
   * it throws, the browser gets a generic 500 and the key goes nowhere else; the code is spent by
   * then (OpenRouter codes are single-use), so the user has to connect again.
   */
  onKey: (event: ExchangedKeyEvent) => void | Promise<void>;
  policy: ExchangePolicy;
  /** OpenRouter's API root; default `https://openrouter.ai/api/v1`. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Deadline of the call to OpenRouter in ms; default 30 s. */
  timeoutMs?: number;
  /** How long the request body may take to arrive, in ms; default 10 s. Slower → 408. */
  bodyTimeoutMs?: number;
  /** Called for each refused request (audit), with OpenRouter's own text in `detail`. Errors ignored. */
  onRefused?: (event: RefusedEvent) => void | Promise<void>;
}

/** A fetch-standard route handler. Extra arguments (Next.js passes a context) are ignored. */
export type ExchangeHandler = (request: Request, ...rest: unknown[]) => Promise<Response>;

const OWNER = "createExchangeHandler";
const OPTION_KEYS = new Set(["authorize", "onKey", "policy", "baseUrl", "fetch", "timeoutMs", "bodyTimeoutMs", "onRefused"]);
/** How long an exchange's outcome is remembered for repeated posts: a code's whole life at OpenRouter. */
const REMEMBER_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;

type Outcome = { ok: true; result: ExchangeResult } | { ok: false; error: HttpError };

/** OpenRouter's refusal as a fixed text the browser client maps by status and wording; its own words go to the audit log. */
function upstreamFailure(error: unknown, secrets: ReadonlyArray<string | undefined>): HttpError {
  const detail = redact(isOpenRouterAuthError(error) ? `${error.code}: ${error.message}` : describe(error), secrets);
  const refuse = (status: number, message: string) => new HttpError(status, message, "upstream", { detail });
  switch (isOpenRouterAuthError(error) ? error.code : undefined) {
    case "invalid_code":
    case "forbidden":
      return refuse(403, "Invalid code or code_verifier");
    case "code_expired":
      return refuse(403, "Authorization code expired");
    case "invalid_code_challenge_method":
      return refuse(400, "Invalid code_challenge_method");
    case "conflict":
      return refuse(409, "OpenRouter reported a conflict. Try again later.");
    case "rate_limited":
      return refuse(429, "OpenRouter is receiving too many requests. Try again later.");
    default:
      // 5xx, unreachable, timeout, an unreadable answer, a 4xx this route's own request caused, or
      // something thrown that is no error of ours.
      return refuse(502, "Could not exchange the code at OpenRouter.");
  }
}

/** SHA-256 of `text` as a string of 32 char codes: a Map key, never shown. */
async function sha256Key(text: string): Promise<string> {
  return String.fromCharCode(...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
}

/**
 * Creates a `POST` route handler that exchanges a code for the user's key on the server.
 *
 * The browser posts `{ code, codeVerifier, codeChallengeMethod: "S256" }` (JSON, camelCase, no
 * other field; PKCE is required). The code is exchanged once: concurrent or repeated posts of the
 * same code and verifier, for the same subject, share one call to OpenRouter and one `onKey`.
 * Success answers `{ userId, keyHint }`; OpenRouter's refusals become 403 `Invalid code or
 * code_verifier`, 403 `Authorization code expired`, 400 `Invalid code_challenge_method`, and 502
 * when it fails or cannot be reached. Throws `invalid_request` at once for a missing option.
 */
export function createExchangeHandler(options: ExchangeHandlerOptions): ExchangeHandler {
  if (!options || typeof options !== "object") throw optionError(OWNER, ["options"], "must be an object");
  for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw optionError(OWNER, [key], "is not an option");
  const authorize = functionOption<Authorize>(OWNER, ["authorize"], options.authorize, "who may exchange (return true, { subject }, false or a Response)") as Authorize;
  const onKey = functionOption<ExchangeHandlerOptions["onKey"]>(OWNER, ["onKey"], options.onKey, "where the server stores the user's key") as ExchangeHandlerOptions["onKey"];
  const onRefused = functionOption<(event: RefusedEvent) => unknown>(OWNER, ["onRefused"], options.onRefused, false);
  functionOption(OWNER, ["fetch"], options.fetch, false);
  const policy = options.policy as unknown;
  if (policy === undefined) throw optionError(OWNER, ["policy"], "is required: { allowedOrigins }");
  if (policy === null || typeof policy !== "object" || Array.isArray(policy)) throw optionError(OWNER, ["policy"], "must be an object");
  for (const key of Object.keys(policy)) if (key !== "allowedOrigins") throw optionError(OWNER, ["policy", key], "is not a policy option");
  const allowedOrigins = allowedOriginsOption(OWNER, (policy as ExchangePolicy).allowedOrigins);
  const bodyTimeoutMs = millisecondsOption(OWNER, "bodyTimeoutMs", options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS);
  // Checked here (fails closed at construction); undefined leaves the client its own default.
  millisecondsOption(OWNER, "timeoutMs", options.timeoutMs, 0);
  const client = createOpenRouterAuthClient({ baseUrl: options.baseUrl ?? DEFAULT_BASE_URL, fetch: options.fetch, timeoutMs: options.timeoutMs });

  /** SHA-256 of (subject, code, verifier, method) → the exchange's outcome, in flight or settled. */
  const exchanges = new Map<string, { outcome: Promise<Outcome>; expiresAt: number }>();

  function remember(id: string, outcome: Promise<Outcome>): void {
    const now = Date.now();
    for (const [key, entry] of exchanges) {
      // Insertion order is age order: stop at the first one still fresh, unless the map is full.
      if (entry.expiresAt > now && exchanges.size < MAX_REMEMBERED) break;
      exchanges.delete(key);
    }
    exchanges.set(id, { outcome, expiresAt: now + REMEMBER_MS });
  }

  async function exchange(subject: string | undefined, request: Required<Pick<ExchangeAuthCodeRequest, "code" | "codeVerifier">> & ExchangeAuthCodeRequest): Promise<Outcome> {
    const secrets = [request.code, request.codeVerifier];
    let exchanged;
    try {
      // Not cancelled when the browser goes away: once the code is sent, OpenRouter may spend it,
      // and the key is only safe once onKey has it. timeoutMs still ends the wait.
      exchanged = await client.exchangeAuthCode({ code: request.code, codeVerifier: request.codeVerifier, codeChallengeMethod: request.codeChallengeMethod });
    } catch (error) {
      return { ok: false, error: upstreamFailure(error, secrets) };
    }
    const { key, userId } = exchanged;
    try {
      await onKey({ subject, key, userId });
    } catch (error) {
      return { ok: false, error: new HttpError(500, INTERNAL_ERROR, "on_key", { detail: redact(`onKey threw: ${describe(error)}`, [key, ...secrets]) }) };
    }
    return { ok: true, result: { userId, keyHint: maskKey(key) } };
  }

  interface Context {
    subject?: string;
  }

  async function handle(request: Request, context: Context): Promise<Response> {
    checkMethod(request);
    checkOrigin(request, allowedOrigins, "Requests from this origin may not exchange codes here.");
    const body = await readJsonBody(request, bodyTimeoutMs);
    const authorized = await runAuthorize(authorize, request, body);
    if ("response" in authorized) {
      const { status } = authorized.response;
      if (status >= 400) notify(onRefused, { subject: undefined, status, reason: "authorize", detail: `authorize answered with its own Response (HTTP ${status})`, at: new Date() });
      return authorized.response;
    }
    const subject = authorized.subject;
    context.subject = subject;

    let parsed: ExchangeAuthCodeRequest;
    try {
      parsed = parseRequest(exchangeAuthCodeRequestSchema, body);
    } catch (error) {
      // Stryker disable next-line ConditionalExpression,LogicalOperator: parseRequest throws invalid_request only (it catches getters that throw); the rethrow is defence
      if (!isOpenRouterAuthError(error) || error.code !== "invalid_request") throw error;
      throw new HttpError(400, error.message, "invalid_body", { issues: error.issues, detail: error.message });
    }
    // Browser flows always use PKCE with S256: a code without it could be anyone's to redeem.
    const { code, codeVerifier, codeChallengeMethod } = parsed;
    if (codeVerifier === undefined || codeChallengeMethod !== "S256") {
      const issue =
        codeVerifier === undefined
          ? { path: ["codeVerifier"], message: "is required: this route exchanges PKCE codes only" }
          : { path: ["codeChallengeMethod"], message: 'must be "S256"' };
      throw new HttpError(400, `Invalid request: ${issue.path[0]}: ${issue.message}`, "policy", { issues: [issue], detail: `${issue.path[0]} ${issue.message}` });
    }

    const id = await sha256Key(JSON.stringify([subject ?? null, code, codeVerifier, codeChallengeMethod]));
    let entry = exchanges.get(id);
    if (!entry || entry.expiresAt <= Date.now()) {
      const outcome = exchange(subject, { code, codeVerifier, codeChallengeMethod });
      remember(id, outcome);
      entry = exchanges.get(id)!;
      // OpenRouter failing or out of reach may have left the code unspent: a later post may try again.
      void outcome.then((settled) => {
        // Only upstreamFailure answers 502.
        if (!settled.ok && settled.error.status === 502 && exchanges.get(id)?.outcome === outcome) exchanges.delete(id);
      });
    }
    const settled = await entry.outcome;
    if (!settled.ok) throw settled.error;
    return json(200, settled.result);
  }

  return async function exchangeHandler(request: Request): Promise<Response> {
    const context: Context = {};
    try {
      if (!isRequest(request)) throw new HttpError(500, INTERNAL_ERROR, "config", { detail: "the exchange handler must be called with a fetch Request" });
      return await handle(request, context);
    } catch (error) {
      const refusal = error instanceof HttpError ? error : new HttpError(500, INTERNAL_ERROR, "internal", { detail: describe(error) });
      notify(onRefused, { subject: context.subject, status: refusal.status, reason: refusal.reason, detail: refusal.extra.detail ?? refusal.message, at: new Date() });
      return errorResponse(refusal);
    }
  };
}
