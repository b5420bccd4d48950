"use client";
import { useMutation, type UseMutationOptions, type UseMutationResult } from "@tanstack/react-query";
import type { OpenRouterAuthError } from "../core/errors.js";
import type { ExchangeAuthCodeRequest, ExchangeAuthCodeResponse } from "../core/schemas.js";
import { useRequiredQueryClient } from "./context.js";
import { useOpenRouterAuthConfig } from "./useOpenRouterAuthConfig.js";
import { exchangeAuthCodeMutationOptions } from "./options.js";

export type UseExchangeAuthCodeOptions = Omit<
  UseMutationOptions<ExchangeAuthCodeResponse, OpenRouterAuthError, ExchangeAuthCodeRequest>,
  "mutationFn" | "mutationKey" | "retry"
>;

/** `POST /auth/keys` as a react-query mutation: a code is exchanged at most once per page, never retried. */
export function useExchangeAuthCode(
  options: UseExchangeAuthCodeOptions = {},
): UseMutationResult<ExchangeAuthCodeResponse, OpenRouterAuthError, ExchangeAuthCodeRequest> {
  const { client } = useOpenRouterAuthConfig();
  const queryClient = useRequiredQueryClient();
  return useMutation({ ...options, ...exchangeAuthCodeMutationOptions(client) }, queryClient);
}
