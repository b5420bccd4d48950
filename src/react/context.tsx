"use client";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, useMemo, type ReactNode } from "react";
import type { OpenRouterAuthClient, OpenRouterAuthClientOptions } from "../core/client.js";
import { OpenRouterAuthError } from "../core/auth-error.js";
import { checkServiceUrl } from "../core/http-url.js";
import type { ConnectMessages } from "../core/messages.js";
import { DEFAULT_AUTH_URL, DEFAULT_KEYS_URL, keysUrlFor } from "../core/openrouter-urls.js";

// The provider holds plain settings, not a client: the HTTP client (and the zod schemas it parses
// answers with) is built where it is first needed, by the hooks (useOpenRouterAuthConfig) or by
// ConnectButton's flow part once it has loaded. So a button can paint before any of that loads.

export interface OpenRouterAuthConfig {
  client: OpenRouterAuthClient;
  /** The consent page. */
  authUrl: string;
  /** Where users see and revoke their keys (Disconnect links to it). */
  keysUrl: string;
  /** The provider's texts (`messages`), over English key by key; a component's own `messages` go over these. */
  messages?: Partial<ConnectMessages>;
  /** The provider's `locale` for balances; a component's own `locale` goes over it. */
  locale?: string;
}

/** What the nearest provider says, before any client exists (internal: `useOpenRouterAuthConfig` builds the config from it). */
export interface AuthSettings {
  /** The provider's own client, when it was given one. */
  client: OpenRouterAuthClient | undefined;
  /** Options to build the client with, when no client was given. */
  clientOptions: OpenRouterAuthClientOptions | undefined;
  authUrl: string;
  keysUrl: string;
  /** The `messages` of this provider and the ones around it, outermost first. */
  messages: ReadonlyArray<Partial<ConnectMessages>>;
  locale: string | undefined;
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
  /**
   * Texts for every component below, in your users' language: a shipped locale
   * (`import { de } from "openrouter-connect/locales"`) or your own `Partial<ConnectMessages>`.
   * A key left out, empty or not a string shows in English (or in an outer provider's `messages`).
   * A component's `messages` prop goes over these.
   */
  messages?: Partial<ConnectMessages>;
  /**
   * BCP 47 language tag (`de-DE`) that balances are formatted for (`Intl.NumberFormat`, USD).
   * Default: an outer provider's, else the browser's language once hydrated (the server render and
   * hydration use `en-US`, so they agree). An invalid tag is ignored.
   */
  locale?: string;
  children?: ReactNode;
}

const OpenRouterAuthContext = createContext<AuthSettings | null>(null);
/** Without a provider: OpenRouter's public endpoints. */
const DEFAULT_SETTINGS: AuthSettings = {
  client: undefined,
  clientOptions: {},
  authUrl: DEFAULT_AUTH_URL,
  keysUrl: DEFAULT_KEYS_URL,
  messages: [],
  locale: undefined,
};

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
  messages,
  locale,
}: OpenRouterAuthProviderProps) {
  const categories = typeof appCategories === "string" ? appCategories : appCategories?.join(",");
  // A provider inside another (a section with its own mint route, say) keeps the outer one's language.
  const outer = useContext(OpenRouterAuthContext);
  const outerTexts = outer?.messages;
  const texts = useMemo(() => (messages ? [...(outerTexts ?? []), messages] : (outerTexts ?? [])), [outerTexts, messages]);
  const language = locale ?? outer?.locale;
  // Its own memo: texts written inline (a new object each render) must not make a new client. The
  // client is made from them (and checks them) where it is first needed.
  const clientOptions = useMemo<OpenRouterAuthClientOptions | undefined>(
    () => (client ? undefined : { baseUrl, mintUrl, exchangeUrl, apiKey, fetch, appUrl, appTitle, appCategories: categories, timeoutMs }),
    [client, baseUrl, mintUrl, exchangeUrl, apiKey, fetch, appUrl, appTitle, categories, timeoutMs],
  );
  const value = useMemo<AuthSettings>(
    () => ({ client, clientOptions, authUrl, keysUrl: keysPage(keysUrl, authUrl), messages: texts, locale: language }),
    [client, clientOptions, authUrl, keysUrl, texts, language],
  );
  return <OpenRouterAuthContext.Provider value={value}>{children}</OpenRouterAuthContext.Provider>;
}

/** The nearest provider's settings, or the defaults (no client built). */
export function useAuthSettings(): AuthSettings {
  return useContext(OpenRouterAuthContext) ?? DEFAULT_SETTINGS;
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
