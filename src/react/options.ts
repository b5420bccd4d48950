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
import { keyInfoKey, keyInfoQuery } from "./keys.js";

/** Every query and mutation key of this library starts with this. */
export const openRouterConnectKeys = {
  all: ["openrouter-connect"] as const,
  createAuthCode: () => ["openrouter-connect", "create-auth-code"] as const,
  exchangeAuthCode: () => ["openrouter-connect", "exchange-auth-code"] as const,
  /** A connect flow's exchange on your server (`exchangeUrl`). */
  exchangeAuthCodeOnServer: () => ["openrouter-connect", "exchange-auth-code-on-server"] as const,
  /** Holds a hash of the key, never the key itself. */
  keyInfo: keyInfoKey,
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

export type KeyInfoQueryOptions = QueryObserverOptions<OpenRouterKeyInfo, OpenRouterAuthError, OpenRouterKeyInfo, OpenRouterKeyInfo, readonly unknown[]>;

/** `GET /key` for `key` as query options; disabled without a key. */
export function keyInfoQueryOptions(client: OpenRouterAuthClient, key: string | null | undefined): KeyInfoQueryOptions {
  return {
    ...keyInfoQuery(key),
    queryFn: ({ signal }) => client.getKeyInfo(key as string, { signal }),
  };
}
