import { OpenRouterAuthError } from "./auth-error.js";

export { OpenRouterAuthError, type OpenRouterAuthErrorOptions } from "./auth-error.js";

/**
 * Stable error codes. Match on `error.code`, never on the message text:
 * messages are for people and may change, codes are part of the API.
 */
export type OpenRouterAuthErrorCode =
  // Input and HTTP outcomes (core client)
  | "invalid_request"
  | "unauthorized"
  | "forbidden"
  | "invalid_code"
  | "code_expired"
  | "invalid_code_challenge_method"
  | "conflict"
  | "rate_limited"
  | "http_error"
  | "server_error"
  | "network_error"
  | "invalid_response"
  | "aborted"
  | "timeout"
  | "unsupported"
  /** Your own mint or exchange route refused: this user (or the whole app) is over its quota for now. */
  | "quota_exceeded"
  /**
   * `ConnectButton` loads the code of a flow (a chunk of this library) on first interaction; it
   * did not load (offline, a CSP that refuses the chunk, a deploy that removed it). A new attempt
   * loads it again (Firefox answers from its failure until the page reloads).
   */
  | "load_failed"
  // The connect flow (browser)
  | "popup_blocked"
  | "popup_closed"
  | "access_denied"
  | "no_pending_flow"
  | "cancelled";

/** One problem found while validating input: where it is and what is wrong. */
export interface OpenRouterAuthIssue {
  path: PropertyKey[];
  message: string;
}

// Every code above, at runtime: an error from another copy of this library is ours only with one of them.
const CODES: ReadonlySet<unknown> = /* @__PURE__ */ new Set<unknown>(
  "invalid_request unauthorized forbidden invalid_code code_expired invalid_code_challenge_method conflict rate_limited http_error server_error network_error invalid_response aborted timeout unsupported quota_exceeded load_failed popup_blocked popup_closed access_denied no_pending_flow cancelled".split(
    " ",
  ),
);

/**
 * Ours, or one from another copy of this library (a second bundle): named `OpenRouterAuthError`
 * and carrying one of our codes. Any other `Error` with a string `code` (Node's `ECONNREFUSED`) is not.
 */
export function isOpenRouterAuthError(value: unknown): value is OpenRouterAuthError {
  return (
    value instanceof OpenRouterAuthError ||
    (value instanceof Error && value.name === "OpenRouterAuthError" && CODES.has((value as { code?: unknown }).code))
  );
}

/** Wraps anything thrown into an OpenRouterAuthError without leaking its text. */
export function toOpenRouterAuthError(value: unknown, fallback: OpenRouterAuthErrorCode = "network_error"): OpenRouterAuthError {
  if (isOpenRouterAuthError(value)) return value;
  if (value instanceof DOMException && value.name === "AbortError") return new OpenRouterAuthError("aborted", "The request was aborted.", { cause: value });
  if (value instanceof DOMException && value.name === "TimeoutError") return new OpenRouterAuthError("timeout", "The request took too long.", { cause: value });
  return new OpenRouterAuthError(fallback, "Something went wrong while talking to OpenRouter.", { cause: value });
}

export function invalidRequest(issues: OpenRouterAuthIssue[]): OpenRouterAuthError {
  const text = issues.map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ` : "") + i.message).join("; ");
  return new OpenRouterAuthError("invalid_request", `Invalid request: ${text}`, { issues });
}
