// createMintHandler: a route that mints OpenRouter authorization codes with the app's own key,
// so the browser never holds one. Fails closed: it does not start without `authorize` and the
// policy's bounds. Order of checks: method → Origin → body (size, deadline, JSON) → authorize →
// schema → policy → quota → OpenRouter. Fetch-standard only (Request/Response, no node: import):
// it also runs on edge runtimes; ./node.ts mounts it on Node's http.
import { createOpenRouterAuthClient, DEFAULT_BASE_URL } from "../core/client.js";
import { isOpenRouterAuthError } from "../core/errors.js";
import { keyLabelSchema, parseCreateAuthKeysCodeWireBody, type CreateAuthKeysCodeRequest } from "../core/schemas.js";
import { DEFAULT_BODY_TIMEOUT_MS, readJsonBody } from "./body.js";
import {
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
import { applyMintPolicy, normalizeMintPolicy, type MintPolicy } from "./policy.js";
import { keyExposure, normalizeQuota, type MintQuota, type QuotaCounter, type QuotaRule, type QuotaTake } from "./quota.js";

/** Decides who may mint; see `Authorize`. */
export type MintAuthorize = Authorize;

/** Given to `onMinted` once OpenRouter created the code. Never carries the app's key or the code. */
export interface MintedEvent {
  /** The user's id from `authorize`, when it returned `{ subject }`. */
  subject: string | undefined;
  request: Request;
  /** The most the new key can spend over its whole life, in USD (see `keyExposure`). */
  exposure: number;
  at: Date;
}

export interface MintHandlerOptions {
  /** The app's OpenRouter API key. Server-side only; never sent to the browser, never in an event. */
  apiKey: string;
  /** Who may mint. Required: the `Origin` header alone is no gate, any non-browser client can set it. */
  authorize: MintAuthorize;
  /** What may be minted, and from which origins. Required, with `maxLimit`, `maxLifetimeSeconds` and `allowedOrigins`. */
  policy: MintPolicy;
  /** Keys and dollars per user and in total, over sliding windows; default `DEFAULT_MINT_QUOTA` (never unbounded). */
  quota?: MintQuota;
  /** Called after each mint (audit). Its errors are ignored and the answer does not wait for it. */
  onMinted?: (event: MintedEvent) => void | Promise<void>;
  /** Called for each refused request (audit), with OpenRouter's own text in `detail`. Errors ignored. */
  onRefused?: (event: RefusedEvent) => void | Promise<void>;
  /** OpenRouter's API root; default `https://openrouter.ai/api/v1` (the emulator, a proxy). */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Deadline of the call to OpenRouter in ms; default 30 s. */
  timeoutMs?: number;
  /** How long the request body may take to arrive, in ms; default 10 s. Slower → 408. */
  bodyTimeoutMs?: number;
  /** Sent to OpenRouter as `HTTP-Referer` for attribution. */
  appUrl?: string;
  /** Sent to OpenRouter as `X-OpenRouter-Title`. */
  appTitle?: string;
  /** Sent to OpenRouter comma-separated as `X-OpenRouter-Categories`. */
  appCategories?: string | readonly string[];
}

/** A fetch-standard route handler. Extra arguments (Next.js passes a context) are ignored. */
export type MintHandler = (request: Request, ...rest: unknown[]) => Promise<Response>;

const OWNER = "createMintHandler";
const OPTION_KEYS = new Set([
  "apiKey",
  "authorize",
  "policy",
  "quota",
  "onMinted",
  "onRefused",
  "baseUrl",
  "fetch",
  "timeoutMs",
  "bodyTimeoutMs",
  "appUrl",
  "appTitle",
  "appCategories",
]);

/** The browser's answer when OpenRouter refused: a fixed text for its status, never OpenRouter's own words. */
function upstreamFailure(error: unknown): HttpError {
  const detail = isOpenRouterAuthError(error) ? `${error.code}: ${error.message}` : describe(error);
  const refuse = (status: number, message: string, reason: "upstream" | "aborted" = "upstream") => new HttpError(status, message, reason, { detail });
  if (!isOpenRouterAuthError(error)) return refuse(502, "Could not create an authorization code at OpenRouter.");
  const status = error.status;
  if (error.code === "aborted") return refuse(400, "The request was aborted.", "aborted");
  if (status === 401 || status === 403) {
    return refuse(502, `OpenRouter refused this server's API key (HTTP ${status}): the mint endpoint is misconfigured. Check the apiKey it was created with.`);
  }
  if (status === 400) return refuse(400, "OpenRouter refused to create an authorization code for this request.");
  if (status === 409) return refuse(409, "OpenRouter reported a conflict. Try again later.");
  if (status === 429) return refuse(429, "OpenRouter is receiving too many requests from this app. Try again later.");
  // invalid_response carries the 2xx status of the answer it could not read.
  if (error.code === "invalid_response") return refuse(502, "OpenRouter's answer had an unexpected shape.");
  if (status !== undefined) return refuse(502, `OpenRouter failed to create an authorization code (HTTP ${status}).`);
  if (error.code === "timeout") return refuse(502, "OpenRouter did not answer in time.");
  return refuse(502, "Could not reach OpenRouter.");
}

/**
 * Creates a `POST` route handler that mints OpenRouter authorization codes with the app's own key.
 *
 * It accepts exactly the body the core client sends to `POST /auth/keys/code` (point the client's
 * `mintUrl` at the route) and answers as OpenRouter does, `{ data: { id, app_id, created_at } }`
 * or `{ error: { code, message, metadata? } }`; a quota refusal is a 429 with `Retry-After` and
 * `{ error: { code: "quota_exceeded", status: 429, scope, message } }`. Throws `invalid_request`
 * at once for a missing or malformed option. It never logs and never puts the key in an answer.
 */
export function createMintHandler(options: MintHandlerOptions): MintHandler {
  if (!options || typeof options !== "object") throw optionError(OWNER, ["options"], "must be an object");
  for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw optionError(OWNER, [key], "is not an option");
  const { apiKey } = options;
  // Stryker disable next-line MethodExpression: equivalent: a key that trims to nothing has whitespace, which the regex refuses
  if (typeof apiKey !== "string" || !apiKey.trim() || /\s/.test(apiKey)) {
    throw optionError(OWNER, ["apiKey"], "must be the app's OpenRouter API key (a non-empty string without whitespace)");
  }
  const authorize = functionOption<Authorize>(OWNER, ["authorize"], options.authorize, "who may mint (return true, { subject }, false or a Response)") as Authorize;
  const onMinted = functionOption<(event: MintedEvent) => unknown>(OWNER, ["onMinted"], options.onMinted, false);
  const onRefused = functionOption<(event: RefusedEvent) => unknown>(OWNER, ["onRefused"], options.onRefused, false);
  functionOption(OWNER, ["fetch"], options.fetch, false);
  const policy = normalizeMintPolicy(options.policy);
  const quota = normalizeQuota(options.quota);
  const bodyTimeoutMs = millisecondsOption(OWNER, "bodyTimeoutMs", options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS);
  if (options.timeoutMs !== undefined) millisecondsOption(OWNER, "timeoutMs", options.timeoutMs, 0);
  // Throws invalid_request for a bad baseUrl, naming the option and not the key.
  const client = createOpenRouterAuthClient({
    apiKey,
    baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    appUrl: options.appUrl,
    appTitle: options.appTitle,
    appCategories: options.appCategories,
  });

  /** The user's id, once `authorize` named one: the refusal events carry it. */
  interface Context {
    subject: string | undefined;
  }

  /** `policy.keyLabel`'s label, checked with the key-label rule: a bad one is the app's bug (500), never forwarded. */
  function serverLabel(subject: string | undefined, request: Request): string {
    let label: unknown;
    try {
      label = policy.keyLabel!({ subject, request });
    } catch (error) {
      throw new HttpError(500, INTERNAL_ERROR, "config", { detail: `policy.keyLabel threw: ${describe(error)}` });
    }
    if (!keyLabelSchema.safeParse(label).success) {
      throw new HttpError(500, INTERNAL_ERROR, "config", { detail: "policy.keyLabel must return 1-100 characters without control characters" });
    }
    return label as string;
  }

  /** Takes this mint from the quota's counters, or refuses (429); what to give back if OpenRouter fails. */
  async function takeQuota(key: CreateAuthKeysCodeRequest, subject: string | undefined, now: number): Promise<QuotaTake> {
    const rules: Array<[scope: "subject" | "global", name: string, rule: QuotaRule]> = [];
    if (quota.perSubject && subject !== undefined) rules.push(["subject", `subject:${subject}`, quota.perSubject]);
    else if (quota.subjectRequired) {
      throw new HttpError(500, INTERNAL_ERROR, "config", { detail: "quota.perSubject needs authorize to return { subject }, and it returned true" });
    }
    if (quota.global) rules.push(["global", "global", quota.global]);
    const counters = rules.map(([scope, name, rule]): QuotaCounter => {
      const exposure = keyExposure(key, rule.windowSeconds, now);
      // Stryker disable all: unreachable defence. applyMintPolicy gives every key a limit and an expiry, so its exposure in a finite window is finite
      if (!Number.isFinite(exposure) && rule.maxExposure !== undefined) {
        throw quotaExceeded(scope, rule.windowSeconds, "the key could spend without bound (no limit) and a maxExposure applies");
      }
      // Stryker restore all
      // Without a maxExposure the figure is not counted against anything.
      return { name, windowSeconds: rule.windowSeconds, maxKeys: rule.maxKeys, maxExposure: rule.maxExposure, exposure: Number.isFinite(exposure) ? exposure : 0 };
    });
    const take: QuotaTake = { id: crypto.randomUUID(), counters };
    let result;
    try {
      result = await quota.store.take(take);
    } catch (error) {
      // Fail closed: without the counters there is no mint.
      throw new HttpError(503, "Minting is unavailable right now. Try again later.", "quota", { detail: `the quota store failed: ${describe(error)}` });
    }
    if (!result.ok) {
      const [scope, name, rule] = rules[result.counter] ?? rules[0]!;
      throw quotaExceeded(scope, result.retryAfterSeconds, `${name} is over its quota (${describeRule(rule)})`);
    }
    return take;
  }

  async function handle(request: Request, context: Context): Promise<Response> {
    checkMethod(request);
    checkOrigin(request, policy.allowedOrigins, "Requests from this origin may not mint keys.");
    const body = await readJsonBody(request, bodyTimeoutMs);

    const authorized = await runAuthorize(authorize, request, body);
    if ("response" in authorized) {
      const { status } = authorized.response;
      if (status >= 400) notify(onRefused, { subject: undefined, status, reason: "authorize", detail: `authorize answered with its own Response (HTTP ${status})`, at: new Date() });
      return authorized.response;
    }
    const subject = authorized.subject;
    context.subject = subject;

    let parsed: CreateAuthKeysCodeRequest;
    try {
      parsed = parseCreateAuthKeysCodeWireBody(body);
    } catch (error) {
      if (!isOpenRouterAuthError(error) || error.code !== "invalid_request") throw error;
      throw new HttpError(400, error.message, "invalid_body", { issues: error.issues, detail: error.message });
    }
    if (policy.keyLabel) parsed = { ...parsed, keyLabel: serverLabel(subject, request) };

    const now = Date.now();
    let bounded: CreateAuthKeysCodeRequest;
    try {
      bounded = applyMintPolicy(parsed, policy, now);
    } catch (error) {
      // Stryker disable next-line ConditionalExpression,LogicalOperator: applyMintPolicy throws invalid_request only (its inputs were checked); the rethrow is defence
      if (!isOpenRouterAuthError(error) || error.code !== "invalid_request") throw error;
      throw new HttpError(400, error.message, "policy", { issues: error.issues, detail: error.message });
    }

    const take = await takeQuota(bounded, subject, now);
    let created;
    try {
      // A client that goes away cancels the call (toNodeHandler aborts request.signal).
      const signal = typeof request.signal?.addEventListener === "function" ? request.signal : undefined;
      created = await client.createAuthCode(bounded, { signal });
    } catch (error) {
      const failure = upstreamFailure(error);
      try {
        await quota.store.giveBack(take);
      } catch (giveBackError) {
        failure.extra.detail += `; giving the quota back failed: ${describe(giveBackError)}`;
      }
      throw failure;
    }
    notify(onMinted, { subject, request, exposure: keyExposure(bounded, Infinity, now), at: new Date() });
    const { id, appId, createdAt } = created.data;
    return json(200, { data: { id, app_id: appId, created_at: createdAt } });
  }

  return async function mintHandler(request: Request): Promise<Response> {
    const context: Context = { subject: undefined };
    try {
      if (!isRequest(request)) throw new HttpError(500, INTERNAL_ERROR, "config", { detail: "the mint handler must be called with a fetch Request" });
      return await handle(request, context);
    } catch (error) {
      // Anything unexpected is a 500 with a generic text: never a raw message, never a 400.
      const refusal = error instanceof HttpError ? error : new HttpError(500, INTERNAL_ERROR, "internal", { detail: describe(error) });
      notify(onRefused, {
        subject: context.subject,
        status: refusal.status,
        reason: refusal.reason,
        detail: redact(refusal.extra.detail ?? refusal.message, [apiKey]),
        at: new Date(),
      });
      return errorResponse(refusal);
    }
  };
}

function describeRule(rule: QuotaRule): string {
  const parts = [rule.maxKeys !== undefined && `${rule.maxKeys} keys`, rule.maxExposure !== undefined && `$${rule.maxExposure} exposure`].filter(Boolean);
  return `${parts.join(", ")} per ${rule.windowSeconds} s`;
}

function quotaExceeded(scope: "subject" | "global", retryAfterSeconds: number, detail: string): HttpError {
  const message = scope === "subject" ? "You have created too many keys for now. Try again later." : "This app is not creating more keys for now. Try again later.";
  return new HttpError(429, message, "quota", {
    detail,
    headers: { "Retry-After": String(retryAfterSeconds) },
    body: { error: { code: "quota_exceeded", status: 429, scope, message } },
  });
}
