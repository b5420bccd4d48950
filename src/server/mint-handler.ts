// openrouter-connect/server: mint authorization codes on the app's server, so the
// browser never holds an OpenRouter key. Fetch-standard only (Request/Response):
// no node: import here, the handler also runs on edge runtimes (see ./node.ts for Node's http).
import { createOpenRouterAuthClient, DEFAULT_BASE_URL } from "../core/client.js";
import { invalidRequest, isOpenRouterAuthError, OpenRouterAuthError, type OpenRouterAuthIssue } from "../core/errors.js";
import {
  createAuthKeysCodeRequestSchema,
  MAX_LIMIT,
  parseCreateAuthKeysCodeWireBody,
  type CreateAuthKeysCodeRequest,
  type UsageLimitType,
  UUID,
} from "../core/schemas.js";

/** Largest request body the handler reads; a real one is well under 1 kB. */
export const MAX_MINT_BODY_BYTES = 16 * 1024;

const USAGE_LIMIT_TYPES: readonly UsageLimitType[] = ["daily", "weekly", "monthly"];

/**
 * What the browser may ask for. A request over a bound is refused with 400, never capped;
 * a bounded field the request leaves out takes the bound (except `workspace_id`, see below).
 */
export interface MintPolicy {
  /** Largest credit `limit`; a request without `limit` gets this one. */
  maxLimit?: number;
  /** Allowed `usage_limit_type` values; a request without one stays without one. */
  allowedUsageLimitTypes?: readonly UsageLimitType[];
  /**
   * Longest lifetime of the key in seconds: `expires_at` must not be later than now + this,
   * `null` (never expires) is refused, and a request without `expires_at` gets now + this.
   */
  maxLifetimeSeconds?: number;
  /** Origins (`https://app.example.com`) `callback_url` must belong to. */
  allowedCallbackOrigins?: readonly string[];
  /** `key_label` for requests without one (OpenRouter's default is the app's name). */
  defaultKeyLabel?: string;
  /**
   * Origins a browser request may come from (the `Origin` header). Default: the handler's own
   * origin, `new URL(request.url).origin`. Set it when the app sits behind a proxy that changes
   * the URL the handler sees; it then replaces the default.
   */
  allowedOrigins?: readonly string[];
  /**
   * Workspaces (UUIDs, compared case-insensitively) keys may be minted in. Without it, a browser
   * may mint in any workspace the app's key reaches. A request without `workspace_id` takes the
   * bound like other fields: the only listed workspace, or a 400 asking for one when several are
   * listed. An empty list allows none by id: every key lands in OpenRouter's default workspace.
   */
  allowedWorkspaceIds?: readonly string[];
  /**
   * Refuse requests without a PKCE challenge, or with a challenge that is not `S256` (a `plain`
   * challenge is the verifier itself, and a challenge without a method is `plain`). Without a
   * challenge, anyone who sees the code can exchange it. Default `false`; the library's own minted
   * flow (ConnectButton, useOpenRouterConnect) always sends an S256 challenge unless told to use
   * `codeChallengeMethod: "plain"`, so apps using it can turn this on. Callers of `createAuthCode`
   * or `useCreateAuthCode` send whatever challenge they pass.
   */
  requireCodeChallenge?: boolean;
}

/**
 * Decides who may mint: `true` lets the request through, a `Response` is sent as it is
 * (e.g. a 401), anything else refuses with 403; a throw answers 500 without details.
 * Runs before the body is read: do not consume `request`'s body (read `request.clone()`).
 */
export type MintAuthorize = (request: Request) => boolean | Response | Promise<boolean | Response>;

export interface MintHandlerOptions {
  /** The app's OpenRouter API key. Server-side only; never sent to the browser. */
  apiKey: string;
  /** OpenRouter's API root; default `https://openrouter.ai/api/v1` (the emulator, a proxy). */
  baseUrl?: string;
  policy?: MintPolicy;
  /**
   * Who may mint. Without it, any browser request from an allowed origin may mint within the
   * policy, and requests without an `Origin` header (server to server) are refused.
   */
  authorize?: MintAuthorize;
  fetch?: typeof fetch;
  /** Deadline of the call to OpenRouter in ms; default 30 s. */
  timeoutMs?: number;
  /** Sent to OpenRouter as `HTTP-Referer` for attribution. */
  appUrl?: string;
  /** Sent to OpenRouter as `X-OpenRouter-Title`. */
  appTitle?: string;
  /** Sent to OpenRouter comma-separated as `X-OpenRouter-Categories`. */
  appCategories?: string | readonly string[];
}

/**
 * A fetch-standard route handler. Extra arguments (Next.js passes a context) are ignored.
 */
export type MintHandler = (request: Request, ...rest: unknown[]) => Promise<Response>;

interface NormalizedPolicy {
  maxLimit: number | undefined;
  allowedUsageLimitTypes: ReadonlySet<UsageLimitType> | undefined;
  maxLifetimeSeconds: number | undefined;
  allowedCallbackOrigins: ReadonlySet<string> | undefined;
  defaultKeyLabel: string | undefined;
  allowedOrigins: ReadonlySet<string> | undefined;
  /** Lower-cased. */
  /** Lower-cased id → the id as the app wrote it. */
  allowedWorkspaceIds: ReadonlyMap<string, string> | undefined;
  requireCodeChallenge: boolean;
}

const POLICY_KEYS = new Set<string>([
  "maxLimit",
  "allowedUsageLimitTypes",
  "maxLifetimeSeconds",
  "allowedCallbackOrigins",
  "defaultKeyLabel",
  "allowedOrigins",
  "allowedWorkspaceIds",
  "requireCodeChallenge",
]);

function optionError(path: PropertyKey[], message: string): OpenRouterAuthError {
  return new OpenRouterAuthError("invalid_request", `createMintHandler: ${path.map(String).join(".")} ${message}.`, {
    issues: [{ path, message }],
  });
}

/** `https://app.example.com` (a trailing `/` is tolerated); anything with a path, query or credentials is refused. */
function toOrigin(value: unknown, path: PropertyKey[]): string {
  if (typeof value === "string") {
    try {
      const url = new URL(value);
      if (
        (url.protocol === "https:" || url.protocol === "http:") &&
        !url.username &&
        !url.password &&
        url.pathname === "/" &&
        !url.search &&
        !url.hash &&
        !value.includes("#") &&
        !value.includes("?")
      ) {
        return url.origin;
      }
    } catch {
      // reported below
    }
  }
  throw optionError(path, "must be an origin like https://app.example.com (scheme, host and port only)");
}

function toOriginSet(value: unknown, name: string): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw optionError(["policy", name], "must be an array of origins");
  return new Set(value.map((v, i) => toOrigin(v, ["policy", name, i])));
}

function normalizePolicy(policy: unknown): NormalizedPolicy {
  if (policy === undefined) policy = {};
  if (policy === null || typeof policy !== "object" || Array.isArray(policy)) throw optionError(["policy"], "must be an object");
  const p = policy as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    // A typo in a security policy must not silently turn a bound off.
    if (!POLICY_KEYS.has(key)) throw optionError(["policy", key], "is not a policy option");
  }

  const { maxLimit, maxLifetimeSeconds, allowedUsageLimitTypes, defaultKeyLabel, allowedWorkspaceIds, requireCodeChallenge } = p;
  if (maxLimit !== undefined && (typeof maxLimit !== "number" || !Number.isFinite(maxLimit) || maxLimit < 0 || maxLimit > MAX_LIMIT)) {
    throw optionError(["policy", "maxLimit"], `must be a number between 0 and ${MAX_LIMIT}`);
  }
  if (
    maxLifetimeSeconds !== undefined &&
    (typeof maxLifetimeSeconds !== "number" || !Number.isSafeInteger(maxLifetimeSeconds) || maxLifetimeSeconds < 1)
  ) {
    throw optionError(["policy", "maxLifetimeSeconds"], "must be a whole number of seconds, at least 1");
  }
  let usageTypes: ReadonlySet<UsageLimitType> | undefined;
  if (allowedUsageLimitTypes !== undefined) {
    if (!Array.isArray(allowedUsageLimitTypes)) throw optionError(["policy", "allowedUsageLimitTypes"], "must be an array");
    allowedUsageLimitTypes.forEach((t, i) => {
      if (!USAGE_LIMIT_TYPES.includes(t as UsageLimitType)) {
        throw optionError(["policy", "allowedUsageLimitTypes", i], `must be one of ${USAGE_LIMIT_TYPES.join(", ")}`);
      }
    });
    usageTypes = new Set(allowedUsageLimitTypes as UsageLimitType[]);
  }
  if (defaultKeyLabel !== undefined) {
    // The very rule the request's key_label is checked with.
    const result = createAuthKeysCodeRequestSchema.shape.keyLabel.safeParse(defaultKeyLabel);
    if (typeof defaultKeyLabel !== "string" || !result.success) {
      throw optionError(["policy", "defaultKeyLabel"], "must be 1-100 characters without control characters");
    }
  }

  let workspaceIds: ReadonlyMap<string, string> | undefined;
  if (allowedWorkspaceIds !== undefined) {
    if (!Array.isArray(allowedWorkspaceIds)) throw optionError(["policy", "allowedWorkspaceIds"], "must be an array of workspace UUIDs");
    workspaceIds = new Map(
      allowedWorkspaceIds.map((id, i) => {
        if (typeof id !== "string" || !UUID.test(id)) throw optionError(["policy", "allowedWorkspaceIds", i], "must be a workspace UUID");
        return [id.toLowerCase(), id];
      }),
    );
  }
  if (requireCodeChallenge !== undefined && typeof requireCodeChallenge !== "boolean") {
    throw optionError(["policy", "requireCodeChallenge"], "must be true or false");
  }

  return {
    maxLimit: maxLimit as number | undefined,
    allowedUsageLimitTypes: usageTypes,
    maxLifetimeSeconds: maxLifetimeSeconds as number | undefined,
    allowedCallbackOrigins: toOriginSet(p.allowedCallbackOrigins, "allowedCallbackOrigins"),
    defaultKeyLabel: defaultKeyLabel as string | undefined,
    allowedOrigins: toOriginSet(p.allowedOrigins, "allowedOrigins"),
    allowedWorkspaceIds: workspaceIds,
    requireCodeChallenge: requireCodeChallenge === true,
  };
}

/** ISO 8601 in UTC with whole seconds, as OpenRouter wants it: 2027-12-31T23:59:59Z. */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Fills the policy's bounds into fields the request left out; lists every field over a bound. */
function applyPolicy(request: CreateAuthKeysCodeRequest, policy: NormalizedPolicy, now: number): CreateAuthKeysCodeRequest {
  const issues: OpenRouterAuthIssue[] = [];
  const out: CreateAuthKeysCodeRequest = { ...request };

  if (policy.maxLimit !== undefined) {
    if (out.limit === undefined) out.limit = policy.maxLimit;
    else if (out.limit > policy.maxLimit) issues.push({ path: ["limit"], message: `must be at most ${policy.maxLimit} (this app's maximum)` });
  }

  if (policy.allowedUsageLimitTypes && out.usageLimitType !== undefined && !policy.allowedUsageLimitTypes.has(out.usageLimitType)) {
    const allowed = [...policy.allowedUsageLimitTypes];
    issues.push({
      path: ["usage_limit_type"],
      message: allowed.length ? `must be one of ${allowed.join(", ")} (this app's policy)` : "is not allowed by this app's policy",
    });
  }

  if (policy.maxLifetimeSeconds !== undefined) {
    const latest = now + policy.maxLifetimeSeconds * 1000;
    if (out.expiresAt === undefined) {
      out.expiresAt = isoSeconds(latest);
    } else if (out.expiresAt === null) {
      issues.push({ path: ["expires_at"], message: `must be set: keys of this app expire within ${policy.maxLifetimeSeconds} seconds` });
    } else {
      const at = out.expiresAt instanceof Date ? out.expiresAt.getTime() : Date.parse(out.expiresAt);
      if (at > latest) {
        issues.push({
          path: ["expires_at"],
          message: `must be at most ${policy.maxLifetimeSeconds} seconds from now (${isoSeconds(latest)}); leave it out to get the longest lifetime`,
        });
      }
    }
  }

  if (policy.allowedCallbackOrigins && !policy.allowedCallbackOrigins.has(new URL(out.callbackUrl).origin)) {
    issues.push({ path: ["callback_url"], message: "must be on an origin this app allows" });
  }

  // The allowed ids are never listed in a message: the browser need not learn the app's workspaces.
  const workspaces = policy.allowedWorkspaceIds;
  if (workspaces && out.workspaceId !== undefined && !workspaces.has(out.workspaceId.toLowerCase())) {
    issues.push({ path: ["workspace_id"], message: "must be a workspace this app allows" });
  } else if (workspaces && out.workspaceId === undefined && workspaces.size > 0) {
    // Left out: the bound fills it in when it names one workspace; among several, the request must choose.
    if (workspaces.size === 1) out.workspaceId = [...workspaces.values()][0];
    else issues.push({ path: ["workspace_id"], message: "is required by this app: name the workspace to mint in" });
  }

  if (policy.requireCodeChallenge) {
    if (out.codeChallenge === undefined) {
      issues.push({ path: ["code_challenge"], message: 'is required by this app (PKCE with code_challenge_method "S256")' });
    } else if (out.codeChallengeMethod !== "S256") {
      // RFC 7636 4.3: a challenge without a method is plain, i.e. the verifier itself.
      issues.push({
        path: ["code_challenge_method"],
        message:
          out.codeChallengeMethod === "plain"
            ? 'must be "S256": a plain challenge is the verifier itself'
            : 'must be "S256" (a challenge without a method is plain, the verifier itself)',
      });
    }
  }

  if (out.keyLabel === undefined && policy.defaultKeyLabel !== undefined) out.keyLabel = policy.defaultKeyLabel;

  if (issues.length) throw invalidRequest(issues);
  return out;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: OpenRouterAuthIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

function json(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const [type, ...params] = value.split(";").map((s) => s.trim().toLowerCase());
  if (type !== "application/json") return false;
  // JSON is UTF-8 (RFC 8259); a declared other charset would be misread.
  return params.every((param) => !param.startsWith("charset=") || /^charset="?utf-8"?$/.test(param));
}

async function readText(request: Request): Promise<string> {
  const tooLarge = () => new HttpError(413, `Request body must be at most ${MAX_MINT_BODY_BYTES} bytes.`);
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > MAX_MINT_BODY_BYTES) throw tooLarge();
  let bytes: Uint8Array;
  if (!request.body) {
    bytes = new Uint8Array(0);
  } else if (typeof request.body.getReader !== "function") {
    // A polyfilled Request without a web stream: read it whole, then check.
    bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > MAX_MINT_BODY_BYTES) throw tooLarge();
  } else {
    // Read only up to the cap: a missing or lying Content-Length must not make us buffer more.
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_MINT_BODY_BYTES) {
        reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
    bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "Request body must be UTF-8 encoded JSON.");
  }
}

// Duck-typed: frameworks and polyfills bring their own Request/Response classes.
function isRequest(value: unknown): value is Request {
  if (value instanceof Request) return true;
  const r = value as Request | null;
  return typeof r === "object" && r !== null && typeof r.method === "string" && typeof r.url === "string" && typeof r.headers?.get === "function";
}

function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  const r = value as Response | null;
  return typeof r === "object" && r !== null && typeof r.status === "number" && typeof r.headers?.get === "function";
}

const UPSTREAM_PREFIX = /^OpenRouter answered \d{3}: /;

/** Maps what the core client threw while calling OpenRouter to the handler's answer. */
function upstreamFailure(error: unknown): HttpError {
  if (!isOpenRouterAuthError(error)) return new HttpError(502, "Could not create an authorization code at OpenRouter.");
  const status = error.status;
  if (status === 401 || status === 403) {
    return new HttpError(
      502,
      `OpenRouter refused this server's API key (HTTP ${status}): the mint endpoint is misconfigured. Check the apiKey it was created with.`,
    );
  }
  if (status === 400 || status === 409 || status === 429) {
    return new HttpError(status, error.message.replace(UPSTREAM_PREFIX, ""));
  }
  // invalid_response carries the 2xx status of the answer it could not read.
  if (error.code === "invalid_response") return new HttpError(502, "OpenRouter's answer had an unexpected shape.");
  if (status !== undefined) return new HttpError(502, `OpenRouter failed to create an authorization code (HTTP ${status}).`);
  if (error.code === "invalid_request") return new HttpError(400, error.message, error.issues);
  if (error.code === "timeout") return new HttpError(502, "OpenRouter did not answer in time.");
  return new HttpError(502, "Could not reach OpenRouter.");
}

/**
 * Creates a `POST` route handler that mints OpenRouter authorization codes with the app's own key.
 *
 * It accepts exactly the body the core client sends to `POST /auth/keys/code` (point the client's
 * `mintUrl` at the route), and answers as OpenRouter does: `{ data: { id, app_id, created_at } }`,
 * or `{ error: { code, message, metadata? } }`. Order of checks: method (405), `Origin` (403),
 * `authorize` (its answer, 403 or 500), content type, size and JSON (400/413), the request schema
 * (400), the policy (400), then OpenRouter (its 400/409/429 pass through, anything else is 502).
 * It never logs and never puts the key in an answer.
 */
export function createMintHandler(options: MintHandlerOptions): MintHandler {
  if (!options || typeof options !== "object") throw optionError(["options"], "must be an object");
  const { apiKey, authorize } = options;
  if (typeof apiKey !== "string" || !apiKey.trim() || /\s/.test(apiKey)) {
    throw optionError(["apiKey"], "must be the app's OpenRouter API key (a non-empty string without whitespace)");
  }
  if (authorize !== undefined && typeof authorize !== "function") throw optionError(["authorize"], "must be a function");
  if (options.fetch !== undefined && typeof options.fetch !== "function") throw optionError(["fetch"], "must be a function");
  if (options.timeoutMs !== undefined && (typeof options.timeoutMs !== "number" || !(options.timeoutMs > 0))) {
    throw optionError(["timeoutMs"], "must be a positive number of milliseconds");
  }
  const policy = normalizePolicy(options.policy);
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

  const errorResponse = (status: number, message: string, issues?: OpenRouterAuthIssue[], headers?: Record<string, string>) => {
    // Belt and braces: no message ever carries the key, whatever produced it.
    const safe = message.split(apiKey).join("[redacted]");
    const error: { code: number; message: string; metadata?: { issues: OpenRouterAuthIssue[] } } = { code: status, message: safe };
    if (issues?.length) error.metadata = { issues: issues.map((i) => ({ path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: i.message })) };
    return json(status, { error }, headers);
  };

  async function handle(request: Request): Promise<Response> {
    if (request.method !== "POST") {
      throw new HttpError(405, `Method ${request.method} is not allowed; use POST.`, undefined, { Allow: "POST" });
    }

    const origin = request.headers.get("origin");
    if (origin !== null) {
      const allowed = policy.allowedOrigins ?? new Set([new URL(request.url).origin]);
      if (!allowed.has(origin)) throw new HttpError(403, "Requests from this origin may not mint keys.");
    } else if (!authorize) {
      throw new HttpError(403, "Requests without an Origin header need an authorize function to vouch for them.");
    }

    if (authorize) {
      let verdict: boolean | Response;
      try {
        verdict = await authorize(request);
      } catch {
        throw new HttpError(500, "Internal server error.");
      }
      if (isResponse(verdict)) return verdict;
      if (verdict !== true) throw new HttpError(403, "Not allowed to mint keys.");
    }

    if (request.bodyUsed) throw new HttpError(500, "The request body was already read (authorize must read request.clone()).");
    if (!isJsonContentType(request.headers.get("content-type"))) {
      throw new HttpError(400, "Request body must be JSON (Content-Type: application/json).");
    }
    const text = await readText(request);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(400, "Request body must be valid JSON.");
    }

    const parsed = parseCreateAuthKeysCodeWireBody(body); // invalid_request with wire-named issues
    const bounded = applyPolicy(parsed, policy, Date.now());

    let created;
    try {
      created = await client.createAuthCode(bounded);
    } catch (error) {
      throw upstreamFailure(error);
    }
    const { id, appId, createdAt } = created.data;
    return json(200, { data: { id, app_id: appId, created_at: createdAt } });
  }

  return async function mintHandler(request: Request): Promise<Response> {
    try {
      if (!isRequest(request)) throw new HttpError(500, "The mint handler must be called with a fetch Request.");
      return await handle(request);
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error.status, error.message, error.issues, error.headers);
      if (isOpenRouterAuthError(error) && error.code === "invalid_request") return errorResponse(400, error.message, error.issues);
      return errorResponse(500, "Internal server error.");
    }
  };
}
