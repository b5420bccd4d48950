/**
 * A local stand-in for OpenRouter's key-issuing flow, built on fetch-standard classes only
 * (Request, Response, URL, WebCrypto): the Node server (./server.ts) and msw handlers in a
 * browser run this same code. This file puts the parts together: ./state.ts (codes, keys,
 * events), ./routes.ts (what each path does), ./validation.ts (what is accepted),
 * ./pages.ts (the HTML), ./faults.ts and ./http.ts.
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
 * - `GET /settings/keys` lists the keys issued, masked, each with a Revoke button (a same-origin
 *   form POST, then 303 back). A revoked key gets 401 "User not found." from `GET /api/v1/key`, as
 *   a key deleted on OpenRouter does (an assumption: OpenRouter documents 401, not its text).
 * - Request bodies are validated strictly against the OpenAPI spec (unknown fields are errors), and
 *   every error body is `{ error: { code, message } }`, with CORS headers on every API answer.
 *   Bodies over 64 kB are refused with 413 without being read further.
 */
import { FaultInjector } from "./faults.js";
import { apiError } from "./http.js";
import { createRouter, ROUTE_PATHS } from "./routes.js";
import { EmulatorState } from "./state.js";
import type {
  CodeIssuedEvent,
  EmulatorEvent,
  EmulatorRoute,
  ExchangeEvent,
  MountedOpenRouterEmulator,
  OpenRouterEmulatorApp,
  OpenRouterEmulatorOptions,
  RequestEvent,
} from "./types.js";

export type {
  CodeIssuedEvent,
  ConsentDeniedEvent,
  EmulatorEvent,
  EmulatorFaults,
  EmulatorGrant,
  EmulatorRoute,
  ExchangeEvent,
  ExchangeOutcome,
  FaultEvent,
  KeyRevokedEvent,
  MountedOpenRouterEmulator,
  OpenRouterEmulatorApp,
  OpenRouterEmulatorOptions,
  RequestEvent,
  UsageLimitType,
} from "./types.js";
export { MAX_BODY_BYTES } from "./http.js";

/** The key `POST /api/v1/auth/keys/code` accepts unless `apiKeys` says otherwise. Not a secret. */
export const EMULATOR_DEV_API_KEY = "sk-or-v1-emulator-dev-key";
export const DEFAULT_CODE_TTL_MS = 600_000;
export const DEFAULT_MAX_RECORDS = 1000;

/** The URLs and shortcuts of `app` mounted at `url`, plus whatever `extra` the host adds. */
export function mountEmulator<T extends object>(app: OpenRouterEmulatorApp, url: string, extra: T): MountedOpenRouterEmulator & T {
  return {
    url,
    authUrl: `${url}${ROUTE_PATHS.auth}`,
    apiBaseUrl: `${url}/api/v1`,
    keysUrl: `${url}${ROUTE_PATHS["keys-page"]}`,
    apiKey: app.apiKey,
    app,
    get events() {
      return app.events;
    },
    faults: app.faults,
    exchanges: () => app.exchanges(),
    codesIssued: () => app.codesIssued(),
    revokeKey: (key) => app.revokeKey(key),
    revokedKeys: () => app.revokedKeys(),
    reset: () => app.reset(),
    ...extra,
  };
}

function only<T extends EmulatorEvent>(events: readonly EmulatorEvent[], type: T["type"]): T[] {
  return events.filter((event): event is T => event.type === type);
}

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

  const state = new EmulatorState({ maxRecords, codeTtlMs, now, onEvent: options.onEvent });
  const faults = new FaultInjector(Object.keys(ROUTE_PATHS) as EmulatorRoute[], (event) => state.record(event), now);
  const serve = createRouter({ state, faults, apiKeys, appId: options.appId ?? 1, userId: options.userId ?? "user_emulator", codeTtlMs, basePath, now });
  const consentPath = `${basePath}${ROUTE_PATHS.auth}`;

  return {
    async handle(request) {
      let response: Response;
      try {
        response = await serve(request);
      } catch {
        response = apiError(request, 500, "Internal Server Error");
      }
      if (faults.coop && response.type !== "error" && new URL(request.url).pathname === consentPath) {
        response.headers.set("Cross-Origin-Opener-Policy", "same-origin");
      }
      return response;
    },
    apiKey: apiKeys[0] as string,
    apiKeys,
    codeTtlMs,
    get events() {
      return state.events;
    },
    requests: () => only<RequestEvent>(state.events, "request"),
    codesIssued: () => only<CodeIssuedEvent>(state.events, "code_issued"),
    exchanges: () => only<ExchangeEvent>(state.events, "exchange"),
    revokeKey: (key) => state.revoke(key, "helper"),
    revokedKeys: () => state.keys().flatMap((issued) => (issued.revokedAt === null ? [] : [issued.key])),
    stats: () => state.stats(),
    reset() {
      state.reset();
      faults.controls.clear();
    },
    faults: faults.controls,
  };
}
