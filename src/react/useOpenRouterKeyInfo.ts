"use client";
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import type { OpenRouterAuthError } from "../core/errors.js";
import type { OpenRouterKeyInfo } from "../core/key-info.js";
import { useRequiredQueryClient } from "./context.js";
import { useOpenRouterAuthConfig } from "./useOpenRouterAuthConfig.js";
import { keyInfoQueryOptions, type KeyInfoQueryOptions } from "./options.js";

export type UseOpenRouterKeyInfoOptions = Partial<Omit<KeyInfoQueryOptions, "queryKey" | "queryFn">>;

/**
 * `GET /key` for `key`: its limit, what is left and its usage. Disabled without a
 * key; the query key holds a hash of the key, never the key.
 */
export function useOpenRouterKeyInfo(
  key: string | null | undefined,
  options: UseOpenRouterKeyInfoOptions = {},
): UseQueryResult<OpenRouterKeyInfo, OpenRouterAuthError> {
  const { client } = useOpenRouterAuthConfig();
  const queryClient = useRequiredQueryClient();
  const base = keyInfoQueryOptions(client, key);
  return useQuery({ ...base, ...options, enabled: base.enabled && options.enabled !== false }, queryClient);
}
