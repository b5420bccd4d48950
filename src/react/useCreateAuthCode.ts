"use client";
import { useMutation, type UseMutationOptions, type UseMutationResult } from "@tanstack/react-query";
import type { OpenRouterAuthError } from "../core/errors.js";
import type { CreateAuthKeysCodeRequest, CreateAuthKeysCodeResponse } from "../core/schemas.js";
import { useRequiredQueryClient } from "./context.js";
import { useOpenRouterAuthConfig } from "./useOpenRouterAuthConfig.js";
import { createAuthCodeMutationOptions } from "./options.js";

export type UseCreateAuthCodeOptions = Omit<
  UseMutationOptions<CreateAuthKeysCodeResponse, OpenRouterAuthError, CreateAuthKeysCodeRequest>,
  "mutationFn" | "mutationKey" | "retry"
>;

/**
 * `POST /auth/keys/code` as a react-query mutation. Invalid input fails with
 * `invalid_request` before any request; never retried.
 */
export function useCreateAuthCode(
  options: UseCreateAuthCodeOptions = {},
): UseMutationResult<CreateAuthKeysCodeResponse, OpenRouterAuthError, CreateAuthKeysCodeRequest> {
  const { client } = useOpenRouterAuthConfig();
  const queryClient = useRequiredQueryClient();
  return useMutation({ ...options, ...createAuthCodeMutationOptions(client) }, queryClient);
}
