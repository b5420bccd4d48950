"use client";
import { useSyncExternalStore } from "react";
import { firstLocale } from "../core/messages.js";
import { useOpenRouterAuthConfig } from "./context.js";

// The browser's language as an external store that never changes while the page lives. The server
// knows no reader, so it renders without one, and so does hydration: the two agree, and React
// renders again at once with the browser's language.
const unchanging = () => () => {};
const browserLanguage = () => navigator.language;
const noLanguage = () => undefined;

/**
 * The language tag to format numbers for: `locale`, else the provider's `locale`, else the
 * browser's language once hydrated, else `en-US`. Invalid tags are skipped.
 */
export function useReaderLocale(locale?: string): string {
  const provided = useOpenRouterAuthConfig().locale;
  const browser = useSyncExternalStore(unchanging, browserLanguage, noLanguage);
  return firstLocale([locale, provided, browser]);
}
