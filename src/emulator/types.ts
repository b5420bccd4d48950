// The emulator's public shapes: options, the event log, faults, the app and a mounted emulator.
import type { CodeChallengeMethod } from "../core/pkce.js";
import type { UsageLimitType } from "../core/rules.js";

/** What faults and request events name: the consent page, the three API operations, the keys page. */
export type EmulatorRoute = "auth" | "code" | "exchange" | "key" | "keys-page";
export type ExchangeOutcome = "ok" | "invalid_request" | "invalid_code" | "code_expired" | "invalid_code_challenge_method";
export type { UsageLimitType };

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

export interface KeyRevokedEvent {
  type: "key_revoked";
  at: number;
  /** The key revoked; from then on `GET /api/v1/key` answers it 401. */
  key: string;
  /** `page`: the Revoke button of the keys page; `helper`: `revokeKey(key)`. */
  source: "page" | "helper";
}

export type EmulatorEvent = RequestEvent | CodeIssuedEvent | ConsentDeniedEvent | ExchangeEvent | FaultEvent | KeyRevokedEvent;

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
  /**
   * Revokes a key the emulator issued, as the keys page's Revoke button does: `GET /api/v1/key`
   * then answers it 401. False when the key is unknown (never issued, or forgotten) or already revoked.
   */
  revokeKey(key: string): boolean;
  /** The issued keys revoked so far and still held, oldest issued first. */
  revokedKeys(): string[];
  /** How many codes, keys and events are held right now. */
  stats(): { codes: number; keys: number; events: number };
  /** Forgets all codes, keys, events and faults. */
  reset(): void;
  readonly faults: EmulatorFaults;
}

/** An emulator mounted at `url` (a server's origin, or an msw base URL), with shortcuts to its app. */
export interface MountedOpenRouterEmulator {
  /** e.g. `http://127.0.0.1:8787` or `https://openrouter.ai`, without a trailing slash. */
  readonly url: string;
  /** `${url}/auth`: the consent page, the provider's `authUrl`. */
  readonly authUrl: string;
  /** `${url}/api/v1`: the client's `baseUrl`. */
  readonly apiBaseUrl: string;
  /**
   * `${url}/settings/keys`: the keys page, where a user revokes a key (OpenRouter's is
   * https://openrouter.ai/settings/keys). It is `authUrl` with its last segment `auth` replaced.
   */
  readonly keysUrl: string;
  /** The bearer key `POST /api/v1/auth/keys/code` accepts (not a secret). */
  readonly apiKey: string;
  /** The emulator itself: `handle(request)`, events, faults, `reset()`. */
  readonly app: OpenRouterEmulatorApp;
  /** Everything recorded so far, oldest first. */
  readonly events: readonly EmulatorEvent[];
  readonly faults: EmulatorFaults;
  exchanges(): ExchangeEvent[];
  codesIssued(): CodeIssuedEvent[];
  /** See `OpenRouterEmulatorApp.revokeKey`. */
  revokeKey(key: string): boolean;
  revokedKeys(): string[];
  /** Forgets all codes, keys, events and faults. */
  reset(): void;
}
