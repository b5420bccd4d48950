"use client";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { DEFAULT_AUTH_URL } from "../core/authorization-url.js";
import { createOpenRouterAuthClient, type OpenRouterAuthClient, type OpenRouterAuthClientOptions } from "../core/client.js";

export interface OpenRouterAuthConfig {
  client: OpenRouterAuthClient;
  /** The consent page. */
  authUrl: string;
}

export interface OpenRouterAuthProviderProps extends Omit<OpenRouterAuthClientOptions, "headers"> {
  /** The consent page; default `https://openrouter.ai/auth` (the emulator's `/auth` in tests). */
  authUrl?: string;
  /** A ready client; when given, the client options above are ignored. */
  client?: OpenRouterAuthClient;
  children?: ReactNode;
}

const OpenRouterAuthContext = createContext<OpenRouterAuthConfig | null>(null);
let defaultConfig: OpenRouterAuthConfig | undefined;

/**
 * Optional configuration for every hook and component below it. Without it,
 * OpenRouter's public endpoints are used. Your app still brings its own
 * `QueryClientProvider`.
 */
export function OpenRouterAuthProvider({
  children,
  client,
  authUrl,
  baseUrl,
  mintUrl,
  apiKey,
  fetch,
  appUrl,
  appTitle,
  appCategories,
  timeoutMs,
}: OpenRouterAuthProviderProps) {
  const categories = typeof appCategories === "string" ? appCategories : appCategories?.join(",");
  const value = useMemo<OpenRouterAuthConfig>(
    () => ({
      client: client ?? createOpenRouterAuthClient({ baseUrl, mintUrl, apiKey, fetch, appUrl, appTitle, appCategories: categories, timeoutMs }),
      authUrl: authUrl ?? DEFAULT_AUTH_URL,
    }),
    [client, authUrl, baseUrl, mintUrl, apiKey, fetch, appUrl, appTitle, categories, timeoutMs],
  );
  return <OpenRouterAuthContext.Provider value={value}>{children}</OpenRouterAuthContext.Provider>;
}

/** The client and consent page in effect: the nearest provider's, or the defaults. */
export function useOpenRouterAuthConfig(): OpenRouterAuthConfig {
  return useContext(OpenRouterAuthContext) ?? (defaultConfig ??= { client: createOpenRouterAuthClient(), authUrl: DEFAULT_AUTH_URL });
}

/** react-query's client, with an error that says what to do when it is missing. */
export function useRequiredQueryClient(): QueryClient {
  try {
    return useQueryClient();
  } catch {
    throw new Error(
      "openrouter-connect: no QueryClient found. Wrap your app in <QueryClientProvider client={new QueryClient()}> from @tanstack/react-query; the OpenRouter hooks and ConnectButton use it.",
    );
  }
}
