// What both route handlers (mint, exchange) share: the refusal type, JSON answers, the Origin
// gate, what `authorize` may answer, and audit callbacks that can never change an answer.
// Fetch-standard only: no node: import (edge runtimes).
import { OpenRouterAuthError, type OpenRouterAuthIssue } from "../core/errors.js";

/** Why a request was refused, as `onRefused` reports it. Stable strings: match on them. */
export type RefusalReason =
  | "method"
  | "origin"
  | "body_timeout"
  | "body_too_large"
  | "invalid_body"
  | "authorize"
  | "policy"
  | "quota"
  | "upstream"
  | "aborted"
  | "on_key"
  | "config"
  | "internal";

/** Given to `onRefused` for every answer that is not a success. Never carries the app's key, a code or a verifier. */
export interface RefusedEvent {
  /** What `authorize` returned as the user's id; undefined before it ran, or when it returned `true`. */
  subject: string | undefined;
  /** The HTTP status the browser got. */
  status: number;
  reason: RefusalReason;
  /** For people reading the audit log: what went wrong, with OpenRouter's own text when it refused. */
  detail: string;
  at: Date;
}

/** What `authorize` may answer: `true`, `{ subject }` (the user's id), `false` (403) or a `Response` sent as it is. */
export type AuthorizeVerdict = boolean | Response | { subject: string };

/**
 * Decides who may use the route. It runs after the body was read and parsed, which it gets as
 * `body`: `request`'s own body is already consumed, do not read it (nor `request.clone()`).
 * `true` lets the request through; `{ subject: "user_123" }` too, naming the user (quotas, key
 * labels and audit events use it); `false` refuses with 403; a `Response` is sent as it is (a 401
 * of your own); anything else refuses with 403; a throw answers 500 without details.
 */
export type Authorize = (request: Request, context: { body: unknown }) => AuthorizeVerdict | Promise<AuthorizeVerdict>;

/** A refusal on its way to becoming an answer. `message` is what the browser reads; `detail` only the audit log. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: RefusalReason,
    readonly extra: { detail?: string; issues?: OpenRouterAuthIssue[]; headers?: Record<string, string>; body?: unknown } = {},
  ) {
    super(message);
  }
}

export const INTERNAL_ERROR = "Internal server error.";

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

export function json(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** OpenRouter's error shape, `{ error: { code: <status>, message, metadata?: { issues } } }`, unless the refusal brings its own body. */
export function errorResponse(error: HttpError): Response {
  if (error.extra.body !== undefined) return json(error.status, error.extra.body, error.extra.headers);
  const body: { code: number; message: string; metadata?: { issues: OpenRouterAuthIssue[] } } = { code: error.status, message: error.message };
  const issues = error.extra.issues;
  if (issues?.length) body.metadata = { issues: issues.map((i) => ({ path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: i.message })) };
  return json(error.status, { error: body }, error.extra.headers);
}

/** A function's options error, naming the option: `createMintHandler: policy.maxLimit must be ….` */
export function optionError(owner: string, path: PropertyKey[], message: string): OpenRouterAuthError {
  return new OpenRouterAuthError("invalid_request", `${owner}: ${path.map(String).join(".")} ${message}.`, { issues: [{ path, message }] });
}

// Duck-typed: frameworks and polyfills bring their own Request/Response classes.
export function isRequest(value: unknown): value is Request {
  if (value instanceof Request) return true;
  const r = value as Request | null;
  return typeof r === "object" && r !== null && typeof r.method === "string" && typeof r.url === "string" && typeof r.headers?.get === "function";
}

export function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  const r = value as Response | null;
  return typeof r === "object" && r !== null && typeof r.status === "number" && typeof r.headers?.get === "function";
}

/** `https://app.example.com` (a trailing `/` is tolerated); anything with a path, query or credentials is refused. */
export function toOrigin(value: unknown): string | undefined {
  if (typeof value !== "string" || value.includes("#") || value.includes("?")) return undefined;
  try {
    const url = new URL(value);
    const plain = (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password && url.pathname === "/" && !url.search && !url.hash;
    return plain ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** `policy.allowedOrigins`, required: the only thing that decides which `Origin` may call the route. */
export function allowedOriginsOption(owner: string, value: unknown): ReadonlySet<string> {
  const path = ["policy", "allowedOrigins"];
  if (!Array.isArray(value)) {
    throw optionError(owner, path, "is required: the origins your pages are served from (https://app.example.com); the handler never trusts Host");
  }
  return new Set(
    value.map((v, i) => {
      const origin = toOrigin(v);
      if (!origin) throw optionError(owner, [...path, i], "must be an origin like https://app.example.com (scheme, host and port only)");
      return origin;
    }),
  );
}

/** 403 for an `Origin` outside the list. No `Origin` (not a browser) is left to `authorize`. */
export function checkOrigin(request: Request, allowed: ReadonlySet<string>, message: string): void {
  const origin = request.headers.get("origin");
  if (origin !== null && !allowed.has(origin)) {
    throw new HttpError(403, message, "origin", { detail: `Origin ${JSON.stringify(origin.slice(0, 200))} is not in policy.allowedOrigins` });
  }
}

export function checkMethod(request: Request): void {
  if (request.method !== "POST") {
    throw new HttpError(405, `Method ${request.method} is not allowed; use POST.`, "method", { headers: { Allow: "POST" }, detail: `method ${request.method.slice(0, 20)}` });
  }
}

const MAX_SUBJECT_LENGTH = 512;

export type Authorized = { subject: string | undefined } | { response: Response };

/** Runs `authorize` and reads its verdict; anything but the documented answers refuses. */
export async function runAuthorize(authorize: Authorize, request: Request, body: unknown): Promise<Authorized> {
  let verdict: unknown;
  try {
    verdict = await authorize(request, { body });
  } catch (error) {
    throw new HttpError(500, INTERNAL_ERROR, "authorize", { detail: `authorize threw: ${describe(error)}` });
  }
  if (verdict === true) return { subject: undefined };
  if (isResponse(verdict)) return { response: verdict };
  const subject = (verdict as { subject?: unknown } | null)?.subject;
  if (typeof verdict === "object" && verdict !== null && typeof subject === "string" && subject.length > 0 && subject.length <= MAX_SUBJECT_LENGTH) {
    return { subject };
  }
  throw new HttpError(403, "Not allowed.", "authorize", {
    detail: verdict === false ? "authorize returned false" : `authorize returned neither true, false, a Response nor { subject: string of 1-${MAX_SUBJECT_LENGTH} characters }`,
  });
}

/** An error's name and message, for the audit log only. */
export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error === "string" ? error : "a non-Error value";
}

/**
 * Calls an audit callback so that nothing it does changes the answer: a throw or a rejected
 * promise is swallowed, and the answer never waits for it.
 */
export function notify<T>(callback: ((event: T) => unknown) | undefined, event: T): void {
  if (!callback) return;
  try {
    const result = callback(event) as { then?: unknown } | undefined;
    if (result && typeof result.then === "function") (result as Promise<unknown>).then(undefined, () => {});
  } catch {
    // The audit log failing must not turn a mint into an error, or an error into something else.
  }
}

/** Cuts every secret out of a text bound for the audit log. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out;
}

/** Positive whole milliseconds up to setTimeout's limit, or the default. */
export function millisecondsOption(owner: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 1 || value > 0x7fffffff) {
    throw optionError(owner, [name], "must be a number of milliseconds between 1 and 2147483647");
  }
  return Math.ceil(value);
}

export function functionOption<F>(owner: string, path: PropertyKey[], value: unknown, required: string | false): F | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== "function") throw optionError(owner, path, required && value === undefined ? `is required: ${required}` : "must be a function");
  return value as F;
}
