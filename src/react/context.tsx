"use client";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { DEFAULT_AUTH_URL, keysUrlFor } from "../core/authorization-url.js";
import { createOpenRouterAuthClient, type OpenRouterAuthClient, type OpenRouterAuthClientOptions } from "../core/client.js";
import { OpenRouterAuthError } from "../core/errors.js";
import { checkServiceUrl } from "../core/http-url.js";
import { resolveConnectMessages, type ConnectMessages } from "../core/messages.js";

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
  messages,
  locale,
}: OpenRouterAuthProviderProps) {
  const categories = typeof appCategories === "string" ? appCategories : appCategories?.join(",");
  // A provider inside another (a section with its own mint route, say) keeps the outer one's language.
  const outer = useContext(OpenRouterAuthContext);
  const outerTexts = outer?.messages;
  const texts = useMemo(() => (outerTexts && messages ? resolveConnectMessages(outerTexts, messages) : (messages ?? outerTexts)), [outerTexts, messages]);
  const language = locale ?? outer?.locale;
  // Its own memo: texts written inline (a new object each render) must not make a new client.
  const ownClient = useMemo(
    () => client ?? createOpenRouterAuthClient({ baseUrl, mintUrl, exchangeUrl, apiKey, fetch, appUrl, appTitle, appCategories: categories, timeoutMs }),
    [client, baseUrl, mintUrl, exchangeUrl, apiKey, fetch, appUrl, appTitle, categories, timeoutMs],
  );
  const value = useMemo<OpenRouterAuthConfig>(
    () => ({ client: ownClient, authUrl, keysUrl: keysPage(keysUrl, authUrl), messages: texts, locale: language }),
    [ownClient, authUrl, keysUrl, texts, language],
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
