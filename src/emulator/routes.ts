// Routing: which path is which route, the methods each takes, CORS preflights, faults, and the
// routes themselves: the consent page, the three API operations and the keys page.
import { createCodeChallenge, isCodeVerifier } from "../core/pkce.js";
import { toIsoSeconds } from "../core/rules.js";
import type { FaultInjector } from "./faults.js";
import { apiError, bearerToken, corsHeaders, isSameOrigin, json, MAX_BODY_BYTES, PREFLIGHT_HEADERS, readBodyText, redirect, withParam } from "./http.js";
import { codePage, consentPage, deniedPage, errorPage, keysErrorPage, keysPage } from "./pages.js";
import type { EmulatorState, IssuedKey } from "./state.js";
import type { EmulatorRoute, ExchangeOutcome } from "./types.js";
import { codeOf, readConsentParams, readExchangeBody, readMintBody, readRevokeForm } from "./validation.js";

/** Each route's path below `basePath`. */
export const ROUTE_PATHS: Readonly<Record<EmulatorRoute, string>> = {
  auth: "/auth",
  code: "/api/v1/auth/keys/code",
  exchange: "/api/v1/auth/keys",
  key: "/api/v1/key",
  "keys-page": "/settings/keys",
};
const ROUTE_METHODS: Readonly<Record<EmulatorRoute, readonly string[]>> = {
  auth: ["GET", "POST"],
  code: ["POST"],
  exchange: ["POST"],
  key: ["GET"],
  "keys-page": ["GET", "POST"],
};
const ROUTES = new Map(Object.entries(ROUTE_PATHS).map(([route, path]) => [path, route as EmulatorRoute]));
/** Routes a browser navigates to: they answer HTML, not OpenRouter's JSON, and take no preflight. */
const PAGES: ReadonlySet<EmulatorRoute> = new Set(["auth", "keys-page"]);

const INVALID_CODE = "Invalid code or code_verifier";
/** What `GET /api/v1/key` says of a bearer key in `apiKeys` (they mint codes; the emulator never issued them). */
const DEV_KEY: Pick<IssuedKey, "label" | "limit" | "limitReset" | "expiresAt" | "workspaceId" | "revokedAt"> = {
  label: "Emulator dev key",
  limit: null,
  limitReset: null,
  expiresAt: null,
  workspaceId: null,
  revokedAt: null,
};
const FORM_TYPE = /^application\/x-www-form-urlencoded\b/i;

export interface RouterContext {
  state: EmulatorState;
  faults: FaultInjector;
  apiKeys: readonly string[];
  appId: number;
  userId: string;
  codeTtlMs: number;
  basePath: string;
  now: () => number;
}

type Json = { ok: true; value: unknown } | { ok: false; answer: Response };

/** The request's JSON body; a body over the cap is 413 and one cut off drops the connection. */
async function readJson(request: Request, notJson: () => Response): Promise<Json> {
  const body = await readBodyText(request);
  if (!body.ok) {
    const answer = body.problem === "cut_off" ? Response.error() : apiError(request, 413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
    return { ok: false, answer };
  }
  try {
    return { ok: true, value: JSON.parse(body.text) };
  } catch {
    return { ok: false, answer: notJson() };
  }
}

/** A page's urlencoded form, or the page (or dropped connection) to answer instead. */
async function readForm(request: Request, errorPageOf: (status: number, message: string) => Response): Promise<URLSearchParams | Response> {
  if (!FORM_TYPE.test(request.headers.get("Content-Type") ?? "")) {
    return errorPageOf(400, "The form must be sent as application/x-www-form-urlencoded.");
  }
  const body = await readBodyText(request);
  if (body.ok) return new URLSearchParams(body.text);
  return body.problem === "cut_off" ? Response.error() : errorPageOf(413, `The form is larger than ${MAX_BODY_BYTES} bytes.`);
}

/** The app's request handler: every request, from routing to the answer. */
export function createRouter(context: RouterContext): (request: Request) => Promise<Response> {
  const { state, faults, apiKeys, appId, userId, codeTtlMs, basePath, now } = context;

  async function authPage(request: Request, url: URL): Promise<Response> {
    if (request.method === "GET") {
      const grant = readConsentParams(url.searchParams);
      return typeof grant === "string" ? errorPage(400, grant) : consentPage(grant, url.searchParams, url.pathname);
    }
    const form = await readForm(request, errorPage);
    if (form instanceof Response) return form;
    const decision = form.get("decision");
    // Hidden fields are user input like any other: check them all again.
    const grant = readConsentParams(form);
    if (typeof grant === "string") return errorPage(400, grant);
    if (decision !== "approve" && decision !== "deny") return errorPage(400, 'decision: must be "approve" or "deny"');

    if (decision === "deny") {
      state.record({ type: "consent_denied", at: now(), callbackUrl: grant.callbackUrl });
      return grant.callbackUrl ? redirect(withParam(grant.callbackUrl, "error", "access_denied")) : deniedPage();
    }
    const code = state.issueCode(grant, "consent");
    return grant.callbackUrl ? redirect(withParam(grant.callbackUrl, "code", code.id)) : codePage(code.id, codeTtlMs);
  }

  async function mintCode(request: Request): Promise<Response> {
    const key = bearerToken(request);
    if (key === undefined) return apiError(request, 401, "Missing Authentication header");
    if (!apiKeys.includes(key)) return apiError(request, 401, "User not found.");
    const body = await readJson(request, () => apiError(request, 400, "body: must be valid JSON"));
    if (!body.ok) return body.answer;
    const grant = readMintBody(body.value);
    if (typeof grant === "string") return apiError(request, 400, grant);
    const code = state.issueCode(grant, "minted");
    return json(request, 200, { data: { id: code.id, app_id: appId, created_at: toIsoSeconds(code.issuedAt) } });
  }

  async function exchange(request: Request): Promise<Response> {
    const fail = (code: string | null, status: number, message: string, outcome: ExchangeOutcome, detail: string) => {
      state.record({ type: "exchange", at: now(), code, status, outcome, detail, key: null });
      return apiError(request, status, message);
    };
    const body = await readJson(request, () => fail(null, 400, "body: must be valid JSON", "invalid_request", "body is not JSON"));
    if (!body.ok) return body.answer;
    const parsed = readExchangeBody(body.value);
    if (typeof parsed === "string") return fail(codeOf(body.value), 400, parsed, "invalid_request", parsed);
    const { code, verifier, method } = parsed;
    // Hash first: from the lookup to using the code up there is no await, so two
    // concurrent exchanges of one code cannot both get through.
    const s256 = verifier !== undefined && isCodeVerifier(verifier) ? await createCodeChallenge(verifier, "S256") : undefined;

    // Checks run in this order (OpenRouter documents the answers, not the order): unknown code
    // (403), expired (403), method (400), verifier (403). A failed check leaves the code usable.
    const issued = state.code(code);
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
    const key = state.redeem(issued);
    if (!key) return fail(code, 403, INVALID_CODE, "invalid_code", "unknown or already used code");
    state.record({ type: "exchange", at: now(), code, status: 200, outcome: "ok", detail: null, key: key.key });
    return json(request, 200, { key: key.key, user_id: userId });
  }

  function describeKey(request: Request): Response {
    const key = bearerToken(request);
    if (key === undefined) return apiError(request, 401, "Missing Authentication header");
    const issued = state.key(key) ?? (apiKeys.includes(key) ? DEV_KEY : undefined);
    // A revoked key is gone on OpenRouter: it answers as it does for any key it does not know.
    if (!issued || issued.revokedAt !== null) return apiError(request, 401, "User not found.");
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

  async function keysSettingsPage(request: Request, url: URL): Promise<Response> {
    if (request.method === "GET") {
      const just = url.searchParams.get("revoked");
      const revoked = just === null ? undefined : state.keyById(just);
      return keysPage({ keys: state.keys(), now: now(), action: url.pathname, revoked: revoked?.revokedAt === null ? undefined : revoked });
    }
    // A form on another site must not revoke keys: only this page's own forms count.
    if (!isSameOrigin(request)) return keysErrorPage(403, "Keys can only be revoked from this page, on this origin.");
    const form = await readForm(request, keysErrorPage);
    if (form instanceof Response) return form;
    const fields = readRevokeForm(form);
    if (typeof fields === "string") return keysErrorPage(400, fields);
    const key = state.keyById(fields.id);
    if (!key) return keysErrorPage(404, "key_id: no such key here (the emulator keeps its newest keys only).");
    // Revoking twice (a double click) is not an error: the key is revoked either way.
    state.revoke(key.key, "page");
    return redirect(`${url.pathname}?revoked=${key.id}`);
  }

  const handlers: Record<EmulatorRoute, (request: Request, url: URL) => Promise<Response> | Response> = {
    auth: authPage,
    code: mintCode,
    exchange,
    key: describeKey,
    "keys-page": keysSettingsPage,
  };

  return async function serve(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = basePath === "" ? url.pathname : url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : "";
    const route = ROUTES.get(path) ?? null;
    state.record({ type: "request", at: now(), method: request.method, path: url.pathname, route });
    if (!route) return apiError(request, 404, "Not Found");
    const page = PAGES.has(route);
    if (!page && request.method === "OPTIONS") return new Response(null, { status: 204, headers: { ...corsHeaders(request), ...PREFLIGHT_HEADERS } });
    const allowed = ROUTE_METHODS[route];
    if (!allowed.includes(request.method)) {
      const headers = { Allow: allowed.join(", ") };
      if (!page) return apiError(request, 405, "Method Not Allowed", headers);
      const answer = errorPage(405, `${request.method} is not allowed here.`);
      answer.headers.set("Allow", headers.Allow);
      return answer;
    }
    const failure = (status: number, message: string) => (page ? errorPage(status, message) : apiError(request, status, message));
    return faults.apply(route, request, failure, async () => handlers[route](request, url));
  };
}
