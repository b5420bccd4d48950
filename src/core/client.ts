import { invalidRequest, OpenRouterAuthError, type OpenRouterAuthErrorCode } from "./errors.js";
import { HTTP_URL_MESSAGE, httpUrl } from "./http-url.js";
import { keyInfoWireResponseSchema, toKeyInfo, type OpenRouterKeyInfo } from "./key-info.js";
import {
  createAuthKeysCodeRequestSchema,
  createAuthKeysCodeWireResponseSchema,
  exchangeAuthCodeRequestSchema,
  exchangeAuthCodeWireResponseSchema,
  parseRequest,
  parseResponse,
  toCreateAuthKeysCodeWireBody,
  type CreateAuthKeysCodeRequest,
  type CreateAuthKeysCodeResponse,
  type ExchangeAuthCodeRequest,
  type ExchangeAuthCodeResponse,
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

export interface OpenRouterAuthClient {
  readonly baseUrl: string;
  readonly mintUrl: string;
  /** `POST /auth/keys/code`: creates an authorization code (needs `apiKey` or a `mintUrl` that adds it). */
  createAuthCode(request: CreateAuthKeysCodeRequest, options?: RequestOptions): Promise<CreateAuthKeysCodeResponse>;
  /** `POST /auth/keys`: exchanges a code (once) for the user's new key. */
  exchangeAuthCode(request: ExchangeAuthCodeRequest, options?: RequestOptions): Promise<ExchangeAuthCodeResponse>;
  /** `GET /key`: limit, usage and expiry of `key`. */
  getKeyInfo(key: string, options?: RequestOptions): Promise<OpenRouterKeyInfo>;
}

function absoluteHttpUrl(value: string, name: string): string {
  const url = httpUrl(value);
  if (url) return url.href.replace(/\/+$/, "");
  // Unlike invalidRequest's "Invalid request: …", this message leads with the option's name (asserted word for word).
  throw new OpenRouterAuthError("invalid_request", `${name} ${HTTP_URL_MESSAGE}.`, { issues: [{ path: [name], message: HTTP_URL_MESSAGE }] });
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
  // Only the exchange's answers say which part of the PKCE proof was wrong.
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
  const baseUrl = absoluteHttpUrl(options.baseUrl ?? DEFAULT_BASE_URL, "baseUrl");
  // A path ("/api/openrouter/mint") is resolved against the page when a request is sent,
  // so the client can be created during server rendering.
  const requestedMintUrl = options.mintUrl;
  const mintUrl = !requestedMintUrl
    ? `${baseUrl}/auth/keys/code`
    : /^\/(?![/\\])/.test(requestedMintUrl)
      ? requestedMintUrl
      : absoluteHttpUrl(requestedMintUrl, "mintUrl");
  // Only the setTimeout range matters now, but values up to 2^32-1 were always accepted:
  // keep refusing the same ones as invalid_request, and round fractions up.
  const requestedTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof requestedTimeout !== "number" || !(requestedTimeout > 0 && requestedTimeout <= 0xffffffff)) {
    throw invalidRequest([{ path: ["timeoutMs"], message: "must be a number of milliseconds between 1 and 4294967295" }]);
  }
  const timeoutMs = Math.ceil(requestedTimeout);

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
    what: "createAuthCode" | "exchangeAuthCode" | "getKeyInfo",
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
      deadline = setTimeout(stop, Math.min(timeoutMs, 0x7fffffff));
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
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
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
      throw new OpenRouterAuthError(codeForStatus(status, message, what === "exchangeAuthCode"), `OpenRouter answered ${status}: ${message}`, { status });
    }
    if (parsed === undefined) throw new OpenRouterAuthError("invalid_response", `OpenRouter's answer (HTTP ${status}) was not JSON.`, { status });
    return parseResponse(schema, parsed, what);
  }

  return {
    baseUrl,
    mintUrl,
    async createAuthCode(request, requestOptions) {
      const wire = toCreateAuthKeysCodeWireBody(parseRequest(createAuthKeysCodeRequestSchema, request));
      let url = mintUrl;
      if (url[0] === "/") {
        let resolved: URL | undefined;
        try {
          resolved = new URL(url, location.href);
        } catch {
          // No page to resolve against (a server, a worker) or one it cannot resolve against.
        }
        if (!resolved) throw invalidRequest([{ path: ["mintUrl"], message: "must be absolute outside browsers" }]);
        // A path stays on this site: the URL parser drops tabs and newlines, so "/\t/evil.example" is a host.
        if (resolved.origin !== location.origin) throw invalidRequest([{ path: ["mintUrl"], message: "must be a path on this site" }]);
        url = resolved.href;
      }
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
    async getKeyInfo(key, requestOptions) {
      if (typeof key !== "string" || !key || /\s/.test(key)) throw invalidRequest([{ path: ["key"], message: "must be a non-empty string without whitespace" }]);
      return toKeyInfo(await send("getKeyInfo", `${baseUrl}/key`, keyInfoWireResponseSchema, { bearer: key, signal: requestOptions?.signal }));
    },
  };
}
