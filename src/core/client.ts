import { OpenRouterAuthError, type OpenRouterAuthErrorCode } from "./errors.js";
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

/** `invalid_request` about one option, with its own sentence as the message. */
function invalidOption(path: string, message: string, issue: string): OpenRouterAuthError {
  return new OpenRouterAuthError("invalid_request", message, { issues: [{ path: [path], message: issue }] });
}

function absoluteHttpUrl(value: string, name: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === "https:" || url.protocol === "http:") return url.toString().replace(/\/+$/, "");
  } catch {
    // reported below
  }
  throw invalidOption(name, `${name} must be an absolute http(s) URL.`, "must be an absolute http(s) URL");
}

const MAX_MESSAGE_LENGTH = 300;

/** OpenRouter's error text, cleaned: `{ error: { message } }`, or a plain string error. */
function serverMessage(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const error = (body as { error?: unknown }).error;
  const message =
    typeof error === "string" ? error : error && typeof error === "object" ? (error as { message?: unknown }).message : undefined;
  // Not truncated here: redact() must see every secret whole before the text is cut.
  // eslint-disable-next-line no-control-regex
  return typeof message === "string" ? message.replace(/[\u0000-\u001f\u007f]/g, " ") : undefined;
}

function codeForStatus(status: number, message: string, operation: "create" | "exchange" | "key"): OpenRouterAuthErrorCode {
  if (status === 400) return operation === "exchange" && /code_challenge_method/i.test(message) ? "invalid_code_challenge_method" : "invalid_request";
  if (status === 401) return "unauthorized";
  if (status === 403) {
    if (operation === "exchange" && /expired/i.test(message)) return "code_expired";
    if (operation === "exchange" && /invalid code|code_verifier/i.test(message)) return "invalid_code";
    return "forbidden";
  }
  if (status === 409) return "conflict";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  return "http_error";
}

/** Removes every secret we sent from text the server gave back, in case it echoes them. */
function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 8) out = out.split(secret).join("[redacted]");
  return out;
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
  const mintUrl = options.mintUrl?.startsWith("/") && !options.mintUrl.startsWith("//")
    ? options.mintUrl
    : options.mintUrl
      ? absoluteHttpUrl(options.mintUrl, "mintUrl")
      : `${baseUrl}/auth/keys/code`;
  const resolveMintUrl = () => {
    if (!mintUrl.startsWith("/")) return mintUrl;
    const page = (globalThis as { location?: { href: string } }).location?.href;
    if (!page) throw invalidOption("mintUrl", "A relative mintUrl needs a page to resolve against; pass an absolute URL outside browsers.", "must be absolute outside browsers");
    return new URL(mintUrl, page).toString();
  };
  // AbortSignal.timeout throws a RangeError on every request for a non-integer, negative,
  // infinite or too large delay: refuse those here, as invalid_request, and round fractions up.
  const requestedTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof requestedTimeout !== "number" || !(requestedTimeout > 0 && requestedTimeout <= 0xffffffff)) {
    throw invalidOption("timeoutMs", "timeoutMs must be a number of milliseconds above 0.", "must be a number of milliseconds between 1 and 4294967295");
  }
  const timeoutMs = Math.ceil(requestedTimeout);

  // Credentials come from `apiKey` only: a stray Authorization in `headers` must never reach the exchange.
  const attribution: Record<string, string> = Object.fromEntries(
    Object.entries(options.headers ?? {}).filter(([name]) => name.toLowerCase() !== "authorization"),
  );
  if (options.appUrl) attribution["HTTP-Referer"] = options.appUrl;
  if (options.appTitle) attribution["X-OpenRouter-Title"] = options.appTitle;
  const categories = typeof options.appCategories === "string" ? options.appCategories : options.appCategories?.join(",");
  if (categories) attribution["X-OpenRouter-Categories"] = categories;

  async function send(
    operation: "create" | "exchange" | "key",
    url: string,
    init: { method: "GET" | "POST"; body?: unknown; bearer?: string; secrets: ReadonlyArray<string | undefined> },
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const headers: Record<string, string> = { ...attribution, Accept: "application/json" };
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    if (init.bearer) headers.Authorization = `Bearer ${init.bearer}`;
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const failed = (error: unknown) => {
      if (signal?.aborted) return new OpenRouterAuthError("aborted", "The request was aborted.", { cause: signal.reason });
      if (deadline.aborted) return new OpenRouterAuthError("timeout", `OpenRouter did not answer within ${timeoutMs} ms.`);
      if (error instanceof OpenRouterAuthError) return error;
      return new OpenRouterAuthError("network_error", `Could not reach ${new URL(url).origin}.`, { cause: error });
    };

    if (signal?.aborted) throw failed(undefined);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: init.method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: combined,
      });
      text = await response.text();
    } catch (error) {
      throw failed(error);
    }
    let body: unknown;
    let isJson = true;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      isJson = false;
    }
    if (!response.ok) {
      const message = redact(serverMessage(body) ?? `HTTP ${response.status}`, init.secrets).slice(0, MAX_MESSAGE_LENGTH);
      const code = codeForStatus(response.status, message, operation);
      throw new OpenRouterAuthError(code, `OpenRouter answered ${response.status}: ${message}`, { status: response.status });
    }
    if (!isJson || body === undefined) {
      throw new OpenRouterAuthError("invalid_response", `OpenRouter's answer (HTTP ${response.status}) was not JSON.`, { status: response.status });
    }
    return body;
  }

  return {
    baseUrl,
    mintUrl,
    async createAuthCode(request, requestOptions) {
      const valid = parseRequest(createAuthKeysCodeRequestSchema, request);
      const body = await send(
        "create",
        resolveMintUrl(),
        { method: "POST", body: toCreateAuthKeysCodeWireBody(valid), bearer: options.apiKey, secrets: [options.apiKey] },
        requestOptions?.signal,
      );
      const { data } = parseResponse(createAuthKeysCodeWireResponseSchema, body, "createAuthCode");
      return { data: { id: data.id, appId: data.app_id, createdAt: data.created_at } };
    },
    async exchangeAuthCode(request, requestOptions) {
      const valid = parseRequest(exchangeAuthCodeRequestSchema, request);
      const wire: Record<string, string> = { code: valid.code };
      if (valid.codeVerifier !== undefined) wire.code_verifier = valid.codeVerifier;
      if (valid.codeChallengeMethod !== undefined) wire.code_challenge_method = valid.codeChallengeMethod;
      const body = await send(
        "exchange",
        `${baseUrl}/auth/keys`,
        { method: "POST", body: wire, secrets: [valid.codeVerifier, valid.code] },
        requestOptions?.signal,
      );
      const parsed = parseResponse(exchangeAuthCodeWireResponseSchema, body, "exchangeAuthCode");
      return { key: parsed.key, userId: parsed.user_id ?? null };
    },
    async getKeyInfo(key, requestOptions) {
      if (typeof key !== "string" || !key || /\s/.test(key)) {
        throw invalidOption("key", "Invalid request: key must be a non-empty string.", "must be a non-empty string without whitespace");
      }
      const body = await send("key", `${baseUrl}/key`, { method: "GET", bearer: key, secrets: [key] }, requestOptions?.signal);
      return toKeyInfo(parseResponse(keyInfoWireResponseSchema, body, "getKeyInfo"));
    },
  };
}

