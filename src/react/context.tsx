"use client";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { DEFAULT_AUTH_URL, keysUrlFor } from "../core/authorization-url.js";
import { createOpenRouterAuthClient, type OpenRouterAuthClient, type OpenRouterAuthClientOptions } from "../core/client.js";
import { OpenRouterAuthError } from "../core/errors.js";
import { checkServiceUrl } from "../core/http-url.js";

export interface OpenRouterAuthConfig {
  client: OpenRouterAuthClient;
  /** The consent page. */
  authUrl: string;
  /** Where users see and revoke their keys (Disconnect links to it). */
  keysUrl: string;
}

export interface OpenRouterAuthProviderProps extends Omit<OpenRouterAuthClientOptions, "headers"> {
  /** The consent page; default `https://openrouter.ai/auth` (the emulator's `/auth` in tests). */
  authUrl?: string;
  /**
   * Where users see and revoke their keys, linked after Disconnect; default `authUrl` with its last
   * segment `auth` made `settings/keys` (`https://openrouter.ai/settings/keys`).
   */
  keysUrl?: string;
  /** A ready client; when given, the client options above are ignored. */
  client?: OpenRouterAuthClient;
  children?: ReactNode;
}

const OpenRouterAuthContext = createContext<OpenRouterAuthConfig | null>(null);
let defaultConfig: OpenRouterAuthConfig | undefined;

/** `keysUrl` checked like every URL of the provider (it becomes a link's `href`), or derived from `authUrl`. */
function keysPage(keysUrl: string | undefined, authUrl: string): string {
  if (keysUrl === undefined) return keysUrlFor(authUrl);
  const problem = checkServiceUrl(keysUrl);
  if (problem) throw new OpenRouterAuthError("invalid_request", `keysUrl ${problem}.`, { issues: [{ path: ["keysUrl"], message: problem }] });
  return keysUrl;
}

/**
 * Optional configuration for every hook and component below it. Without it,
 * OpenRouter's public endpoints are used. Your app still brings its own
 * `QueryClientProvider`.
 */
export function OpenRouterAuthProvider({
  children,
  client,
  authUrl = DEFAULT_AUTH_URL,
  keysUrl,
  baseUrl,
  mintUrl,
  exchangeUrl,
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
      client: client ?? createOpenRouterAuthClient({ baseUrl, mintUrl, exchangeUrl, apiKey, fetch, appUrl, appTitle, appCategories: categories, timeoutMs }),
      authUrl,
      keysUrl: keysPage(keysUrl, authUrl),
    }),
    [client, authUrl, keysUrl, baseUrl, mintUrl, exchangeUrl, apiKey, fetch, appUrl, appTitle, categories, timeoutMs],
  );
  return <OpenRouterAuthContext.Provider value={value}>{children}</OpenRouterAuthContext.Provider>;
}

/** The client, consent page and keys page in effect: the nearest provider's, or the defaults. */
export function useOpenRouterAuthConfig(): OpenRouterAuthConfig {
  return useContext(OpenRouterAuthContext) ?? (defaultConfig ??= { client: createOpenRouterAuthClient(), authUrl: DEFAULT_AUTH_URL, keysUrl: keysUrlFor() });
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
