"use client";
import { authConfig } from "./auth-config.js";
import { useAuthSettings, type OpenRouterAuthConfig } from "./context.js";

/** The client, consent page and keys page in effect: the nearest provider's, or the defaults. */
export function useOpenRouterAuthConfig(): OpenRouterAuthConfig {
  return authConfig(useAuthSettings());
}
