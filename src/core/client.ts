import { invalidRequest, OpenRouterAuthError, type OpenRouterAuthErrorCode } from "./errors.js";
import { checkServiceUrl } from "./http-url.js";
import { keyInfoWireResponseSchema, toKeyInfo, type OpenRouterKeyInfo } from "./key-info.js";
import {
  createAuthKeysCodeRequestSchema,
  createAuthKeysCodeWireResponseSchema,
  exchangeAuthCodeRequestSchema,
  exchangeAuthCodeWireResponseSchema,
  parseRequest,
  parseResponse,
  serverExchangeResponseSchema,
  toCreateAuthKeysCodeWireBody,
  type CreateAuthKeysCodeRequest,
  type CreateAuthKeysCodeResponse,
  type ExchangeAuthCodeRequest,
  type ExchangeAuthCodeResponse,
  type ServerExchangeResponse,
} from "./schemas.js";

export const DEFAULT_BASE_URL = "https://openrouter.ai/api/v1";
/** How long one request may take before it fails with `timeout`. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface OpenRouterAuthClientOptions {
  /** OpenRouter's API root; default `https://openrouter.ai/api/v1` (point it at the emulator in tests). */
  baseUrl?: string;
  /**
   * Full URL that creates codes (`POST`); default `${baseUrl}/auth/keys/code`. Point it at your
   * own server route (see `openrouter-connect/server`) so no OpenRouter key is needed in the browser.
   * A path (`/api/openrouter/mint`) is resolved against the current page.
   */
  mintUrl?: string;
  /**
   * Your server's exchange route (`createExchangeHandler` of `openrouter-connect/server`). With it,
   * the connect flows send the code there (`exchangeAuthCodeOnServer`) and your server keeps the
   * key: the browser never sees it. A path (`/api/openrouter/exchange`) is resolved against the
   * current page and must stay on this site.
   */
  exchangeUrl?: string;
  /** Sent as `Authorization: Bearer` to `createAuthCode` only. Never put your app's secret key in a browser. */
  apiKey?: string;
  fetch?: typeof fetch;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** Your app's URL, sent as `HTTP-Referer` for attribution. */
  appUrl?: string;
  /** Your app's name, sent as `X-OpenRouter-Title`. */
  appTitle?: string;
  /** Sent comma-separated as `X-OpenRouter-Categories`. */
  appCategories?: string | readonly string[];
  /** Per-request deadline in ms; default 30 s. */
  timeoutMs?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ServerExchangeOptions extends RequestOptions {
  /** This call's exchange route, instead of the client's `exchangeUrl` (same rules). */
  exchangeUrl?: string;
}

export interface OpenRouterAuthClient {
  readonly baseUrl: string;
  readonly mintUrl: string;
  /** Your server's exchange route, as given (a path stays a path); undefined without one. */
  readonly exchangeUrl?: string;
  /** `POST /auth/keys/code`: creates an authorization code (needs `apiKey` or a `mintUrl` that adds it). */
  createAuthCode(request: CreateAuthKeysCodeRequest, options?: RequestOptions): Promise<CreateAuthKeysCodeResponse>;
  /** `POST /auth/keys`: exchanges a code (once) for the user's new key. */
  exchangeAuthCode(request: ExchangeAuthCodeRequest, options?: RequestOptions): Promise<ExchangeAuthCodeResponse>;
  /**
   * Sends the code and verifier (camelCase, exactly `ExchangeAuthCodeRequest`) to your server's
   * exchange route, which exchanges them once with OpenRouter and keeps the key. Answers
   * `{ userId, keyHint }`: the key only masked. Optional in the type so clients written by hand
   * still fit; `createOpenRouterAuthClient` always has it.
   */
  exchangeAuthCodeOnServer?(request: ExchangeAuthCodeRequest, options?: ServerExchangeOptions): Promise<ServerExchangeResponse>;
  /** `GET /key`: limit, usage and expiry of `key`. */
  getKeyInfo(key: string, options?: RequestOptions): Promise<OpenRouterKeyInfo>;
}

/** `value`, an https URL (http on a loopback host only), without trailing slashes; or throws `invalid_request`. */
function serviceUrl(value: string, name: string): string {
  const problem = checkServiceUrl(value);
  // Unlike invalidRequest's "Invalid request: …", this message leads with the option's name (asserted word for word).
  if (problem) throw new OpenRouterAuthError("invalid_request", `${name} ${problem}.`, { issues: [{ path: [name], message: problem }] });
  return new URL(value).href.replace(/\/+$/, "");
}

/** A route of the app: a path on this site (resolved when a request is sent) or a service URL; or throws `invalid_request`. */
function routeUrl(value: string, name: string): string {
  return /^\/(?![/\\])/.test(value) ? value : serviceUrl(value, name);
}

/**
 * `url` as a request can use it: a path resolved against the current page, which it must not leave
 * (the URL parser drops tabs and newlines, so "/\t/evil.example" is a host). Throws `invalid_request`.
 */
function onThisSite(url: string, name: string): string {
  if (url[0] !== "/") return url;
  let resolved: URL | undefined;
  try {
    resolved = new URL(url, location.href);
  } catch {
    // No page to resolve against (a server, a worker) or one it cannot resolve against.
  }
  if (!resolved) throw invalidRequest([{ path: [name], message: "must be absolute outside browsers" }]);
  if (resolved.origin !== location.origin) throw invalidRequest([{ path: [name], message: "must be a path on this site" }]);
  return resolved.href;
}

/**
 * A route of the app as a request would use it (`mintUrl`, `exchangeUrl`): an https URL (http on a
 * loopback host only), or a path that stays on this site. Throws `invalid_request`, so a flow can
 * check it before any window opens.
 */
export function resolveRouteUrl(value: unknown, name: string): string {
  if (typeof value !== "string" || !value) throw invalidRequest([{ path: [name], message: "must be a non-empty string" }]);
  return onThisSite(routeUrl(value, name), name);
}

/**
 * A deadline in ms, as the client and the flows take it: a number from 1 to 2^32-1 (what was
 * always accepted), fractions rounded up. Anything else is `invalid_request`, before any request.
 */
export function checkTimeoutMs(value: unknown): number {
  if (typeof value !== "number" || !(value > 0 && value <= 0xffffffff)) {
    throw invalidRequest([{ path: ["timeoutMs"], message: "must be a number of milliseconds between 1 and 4294967295" }]);
  }
  return Math.ceil(value);
}

/** setTimeout fires at once for delays above 2^31-1 ms: a longer deadline waits that long (~24.8 days) instead. */
export const timerDelay = (ms: number): number => Math.min(ms, 0x7fffffff);

/** `Retry-After` in seconds: delta-seconds or an HTTP date (RFC 9110 10.2.3); undefined when absent or unreadable. */
function retryAfterSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** `application/json`, or a `+json` type (`application/problem+json`), by the Content-Type header. */
function isJson(contentType: string | null): boolean {
  return /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType ?? "");
}

const MAX_MESSAGE_LENGTH = 300;

const CODE_FOR_STATUS: Record<number, OpenRouterAuthErrorCode> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  409: "conflict",
  429: "rate_limited",
};

function codeForStatus(status: number, message: string, exchange: boolean): OpenRouterAuthErrorCode {
  // Only the exchange's answers (OpenRouter's, or your exchange route relaying them) say which part of the PKCE proof was wrong.
  if (exchange) {
    if (status === 400 && /code_challenge_method/i.test(message)) return "invalid_code_challenge_method";
    if (status === 403 && /expired/i.test(message)) return "code_expired";
    if (status === 403 && /invalid code|code_verifier/i.test(message)) return "invalid_code";
  }
  return CODE_FOR_STATUS[status] ?? (status >= 500 ? "server_error" : "http_error");
}

/**
 * A small client for OpenRouter's key-issuing endpoints. Validates input before
 * any request, sends exactly the SDK's wire format, parses answers with zod and
 * never retries on its own: a code is single-use.
 */
export function createOpenRouterAuthClient(options: OpenRouterAuthClientOptions = {}): OpenRouterAuthClient {
  const baseUrl = serviceUrl(options.baseUrl ?? DEFAULT_BASE_URL, "baseUrl");
  // A path ("/api/openrouter/mint") is resolved against the page when a request is sent,
  // so the client can be created during server rendering.
  const mintUrl = options.mintUrl ? routeUrl(options.mintUrl, "mintUrl") : `${baseUrl}/auth/keys/code`;
  const exchangeUrl = options.exchangeUrl ? routeUrl(options.exchangeUrl, "exchangeUrl") : undefined;
  const timeoutMs = checkTimeoutMs(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  // Credentials come from `apiKey` only: a stray Authorization in `headers` must never reach the exchange.
  const attribution: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) if (name.toLowerCase() !== "authorization") attribution[name] = value;
  for (const [name, value] of [
    ["HTTP-Referer", options.appUrl],
    ["X-OpenRouter-Title", options.appTitle],
    // An array's String() is its items joined by commas, exactly the header's format.
    ["X-OpenRouter-Categories", options.appCategories && String(options.appCategories)],
  ]) if (value) attribution[name!] = value;

  /**
   * One request: sends `body` as JSON (POST) or nothing (GET), parses a 2xx answer
   * with `schema` and maps every failure to a stable code. `secrets` (and the bearer)
   * are cut out of any text the server echoes back.
   */
  async function send<T>(
    what: "createAuthCode" | "exchangeAuthCode" | "exchangeAuthCodeOnServer" | "getKeyInfo",
    url: string,
    schema: Parameters<typeof parseResponse<T>>[0],
    { body, bearer, secrets = [], signal }: { body?: object; bearer?: string; secrets?: ReadonlyArray<string | undefined>; signal?: AbortSignal },
  ): Promise<T> {
    const headers = {
      ...attribution,
      Accept: "application/json",
      ...(body && { "Content-Type": "application/json" }),
      ...(bearer && { Authorization: `Bearer ${bearer}` }),
    };
    // One controller for the caller's signal and our deadline, not AbortSignal.any/timeout:
    // Safari before 17.4 (and 16 for timeout) lacks them. Both hooks are undone in `finally`.
    // Duck-typed: an AbortSignal from another realm (an iframe, jsdom) is fine too.
    if (signal !== undefined && typeof signal?.addEventListener !== "function") {
      throw invalidRequest([{ path: ["signal"], message: "must be an AbortSignal" }]);
    }
    const controller = new AbortController();
    // A custom fetch may ignore its signal: racing `ended` still ends the wait on abort or the deadline.
    let end!: () => void;
    const ended = new Promise<never>((_, reject) => (end = reject));
    // Only read inside the race below; this keeps a late rejection from ever going unhandled.
    ended.catch(() => {});
    const stop = () => {
      controller.abort();
      end();
    };
    let deadline: ReturnType<typeof setTimeout> | undefined;
    let response: Response;
    let text: string;
    try {
      // Inside the try, so `finally` undoes them whatever throws.
      // setTimeout fires at once for delays above 2^31-1 ms, so cap (at ~24.8 days) rather than fail.
      deadline = setTimeout(stop, timerDelay(timeoutMs));
      signal?.addEventListener("abort", stop);
      // Already aborted: fail below without calling fetch (one that ignores the signal would still send).
      if (signal?.aborted) throw signal.reason;
      [response, text] = await Promise.race([
        (async () => {
          const answer = await (options.fetch ?? fetch)(url, {
            method: body ? "POST" : "GET",
            headers,
            body: body && JSON.stringify(body),
            signal: controller.signal,
          });
          return [answer, await answer.text()] as const;
        })(),
        ended,
      ]);
    } catch (error) {
      if (signal?.aborted) throw new OpenRouterAuthError("aborted", "The request was aborted.", { cause: signal.reason });
      if (controller.signal.aborted) throw new OpenRouterAuthError("timeout", `OpenRouter did not answer within ${timeoutMs} ms.`);
      if (error instanceof OpenRouterAuthError) throw error;
      throw new OpenRouterAuthError("network_error", `Could not reach ${new URL(url).origin}.`, { cause: error });
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener("abort", stop);
    }
    // Only a JSON answer (by its Content-Type) is read: a proxy's HTML page or a text error is not ours to show.
    const json = isJson(response.headers.get("content-type"));
    let parsed: unknown;
    try {
      parsed = json && text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: reported below, or the status says enough
    }
    const { status } = response;
    if (!response.ok) {
      // OpenRouter's error text: `{ error: { message } }`, or a plain string error.
      const error = (parsed as { error?: unknown } | undefined)?.error;
      const said = typeof error === "string" ? error : (error as { message?: unknown } | undefined)?.message;
      // Control characters become spaces. Not truncated yet: every secret must be seen whole first.
      // eslint-disable-next-line no-control-regex
      let message = typeof said === "string" ? said.replace(/[\u0000-\u001f\u007f]/g, " ") : `HTTP ${status}`;
      // Removes every secret we sent, in case the server echoes them.
      for (const secret of [bearer, ...secrets]) if (secret && secret.length >= 8) message = message.replaceAll(secret, "[redacted]");
      message = message.slice(0, MAX_MESSAGE_LENGTH);
      // Your own mint or exchange route refusing over a quota (openrouter-connect/server); OpenRouter's codes are numbers.
      const code =
        status === 429 && (error as { code?: unknown } | undefined)?.code === "quota_exceeded"
          ? "quota_exceeded"
          : codeForStatus(status, message, what === "exchangeAuthCode" || what === "exchangeAuthCodeOnServer");
      throw new OpenRouterAuthError(code, `OpenRouter answered ${status}: ${message}`, {
        status,
        retryAfterSeconds: retryAfterSeconds(response.headers.get("retry-after")),
      });
    }
    if (parsed === undefined) throw new OpenRouterAuthError("invalid_response", `OpenRouter's answer (HTTP ${status}) was not JSON.`, { status });
    return parseResponse(schema, parsed, what);
  }

  return {
    baseUrl,
    mintUrl,
    exchangeUrl,
    async createAuthCode(request, requestOptions) {
      const wire = toCreateAuthKeysCodeWireBody(parseRequest(createAuthKeysCodeRequestSchema, request));
      const url = onThisSite(mintUrl, "mintUrl");
      const { data } = await send("createAuthCode", url, createAuthKeysCodeWireResponseSchema, {
        body: wire,
        bearer: options.apiKey,
        signal: requestOptions?.signal,
      });
      return { data: { id: data.id, appId: data.app_id, createdAt: data.created_at } };
    },
    async exchangeAuthCode(request, requestOptions) {
      const valid = parseRequest(exchangeAuthCodeRequestSchema, request);
      // JSON.stringify leaves out the undefined ones.
      const wire = { code: valid.code, code_verifier: valid.codeVerifier, code_challenge_method: valid.codeChallengeMethod };
      const parsed = await send("exchangeAuthCode", `${baseUrl}/auth/keys`, exchangeAuthCodeWireResponseSchema, {
        body: wire,
        secrets: [valid.codeVerifier, valid.code],
        signal: requestOptions?.signal,
      });
      return { key: parsed.key, userId: parsed.user_id ?? null };
    },
    async exchangeAuthCodeOnServer(request, requestOptions) {
      const valid = parseRequest(exchangeAuthCodeRequestSchema, request);
      const given = requestOptions?.exchangeUrl;
      const route = given ? routeUrl(given, "exchangeUrl") : exchangeUrl;
      if (!route) throw invalidRequest([{ path: ["exchangeUrl"], message: "is required to exchange on your server" }]);
      const parsed = await send("exchangeAuthCodeOnServer", onThisSite(route, "exchangeUrl"), serverExchangeResponseSchema, {
        body: valid,
        secrets: [valid.codeVerifier, valid.code],
        signal: requestOptions?.signal,
      });
      return { userId: parsed.userId, keyHint: parsed.keyHint };
    },
    async getKeyInfo(key, requestOptions) {
      if (typeof key !== "string" || !key || /\s/.test(key)) throw invalidRequest([{ path: ["key"], message: "must be a non-empty string without whitespace" }]);
      return toKeyInfo(await send("getKeyInfo", `${baseUrl}/key`, keyInfoWireResponseSchema, { bearer: key, signal: requestOptions?.signal }));
    },
  };
}
