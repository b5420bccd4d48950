import type { MutationOptions, QueryObserverOptions } from "@tanstack/react-query";
import type { OpenRouterAuthClient } from "../core/client.js";
import type { OpenRouterAuthError } from "../core/errors.js";
import { exchangeOnce } from "../core/flow/exchange-registry.js";
import type { OpenRouterKeyInfo } from "../core/key-info.js";
import type {
  CreateAuthKeysCodeRequest,
  CreateAuthKeysCodeResponse,
  ExchangeAuthCodeRequest,
  ExchangeAuthCodeResponse,
} from "../core/schemas.js";

/** Every query and mutation key of this library starts with this. */
export const openRouterConnectKeys = {
  all: ["openrouter-connect"] as const,
  createAuthCode: () => ["openrouter-connect", "create-auth-code"] as const,
  exchangeAuthCode: () => ["openrouter-connect", "exchange-auth-code"] as const,
  /** A connect flow's exchange on your server (`exchangeUrl`). */
  exchangeAuthCodeOnServer: () => ["openrouter-connect", "exchange-auth-code-on-server"] as const,
  /** Holds a hash of the key, never the key itself. */
  keyInfo: (keyHash: string) => ["openrouter-connect", "key-info", keyHash] as const,
};

export type CreateAuthCodeMutationOptions = MutationOptions<CreateAuthKeysCodeResponse, OpenRouterAuthError, CreateAuthKeysCodeRequest>;
export type ExchangeAuthCodeMutationOptions = MutationOptions<ExchangeAuthCodeResponse, OpenRouterAuthError, ExchangeAuthCodeRequest>;

/**
 * `POST /auth/keys/code` as react-query mutation options (the `mutationOptions` pattern). Never
 * retried; `gcTime: 0`, so the code leaves the cache as soon as nothing observes the mutation.
 */
export function createAuthCodeMutationOptions(client: OpenRouterAuthClient): CreateAuthCodeMutationOptions {
  return {
    mutationKey: openRouterConnectKeys.createAuthCode(),
    mutationFn: (request) => client.createAuthCode(request),
    retry: false,
    gcTime: 0,
  };
}

/**
 * `POST /auth/keys` as mutation options. Never retried; a code already sent shares the first answer;
 * `gcTime: 0`, so the code, the verifier and the key leave the cache as soon as nothing observes it.
 */
export function exchangeAuthCodeMutationOptions(client: OpenRouterAuthClient): ExchangeAuthCodeMutationOptions {
  return {
    mutationKey: openRouterConnectKeys.exchangeAuthCode(),
    mutationFn: (request) => exchangeOnce(request.code, () => client.exchangeAuthCode(request), request.codeVerifier),
    retry: false,
    gcTime: 0,
  };
}

/** cyrb53: a fast 53-bit hash, so cache keys tell keys apart without holding them. */
function hashKey(key: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export type KeyInfoQueryOptions = QueryObserverOptions<OpenRouterKeyInfo, OpenRouterAuthError, OpenRouterKeyInfo, OpenRouterKeyInfo, readonly unknown[]>;

/** `GET /key` for `key` as query options; disabled without a key. */
export function keyInfoQueryOptions(client: OpenRouterAuthClient, key: string | null | undefined): KeyInfoQueryOptions {
  return {
    queryKey: openRouterConnectKeys.keyInfo(key ? hashKey(key) : "none"),
    queryFn: ({ signal }) => client.getKeyInfo(key as string, { signal }),
    enabled: !!key,
    staleTime: 30_000,
    // An invalid or revoked key won't get better by asking again right away.
    retry: (count, error) => count < 2 && (error as OpenRouterAuthError).retryable === true,
  };
}
