import type { OpenRouterAuthErrorCode, OpenRouterAuthIssue } from "./errors.js";

// The error class alone, apart from its helpers (errors.ts): a button's first paint can report
// `load_failed` without them.

export interface OpenRouterAuthErrorOptions {
  status?: number;
  retryable?: boolean;
  /** From a `Retry-After` header: how long to wait before a new attempt. */
  retryAfterSeconds?: number;
  issues?: OpenRouterAuthIssue[];
  cause?: unknown;
}

const RETRYABLE: ReadonlySet<OpenRouterAuthErrorCode> = new Set([
  "conflict",
  "rate_limited",
  "server_error",
  "network_error",
  "timeout",
  "quota_exceeded",
  "load_failed",
]);

/**
 * The only error this library throws or reports. `retryable` says whether a
 * *new attempt* may succeed; the library itself never retries (codes are single-use).
 */
export class OpenRouterAuthError extends Error {
  override readonly name = "OpenRouterAuthError";
  // `declare`: set in the constructor only, so no emitted field declarations (bytes), and
  // status/issues are absent, not own properties holding undefined, when not given.
  declare readonly code: OpenRouterAuthErrorCode;
  declare readonly status?: number;
  declare readonly retryable: boolean;
  /** For `invalid_request`: each offending path with its message. */
  declare readonly issues?: OpenRouterAuthIssue[];
  /** When the server said how long to wait (`Retry-After`, e.g. with `quota_exceeded` or `rate_limited`). */
  declare readonly retryAfterSeconds?: number;

  constructor(code: OpenRouterAuthErrorCode, message: string, options: OpenRouterAuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    if (options.issues) this.issues = options.issues;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
