"use client";
import { useSyncExternalStore } from "react";
import { useAuthSettings } from "./context.js";

// The browser's language as an external store that never changes while the page lives. The server
// knows no reader, so it renders without one, and so does hydration: the two agree, and React
// renders again at once with the browser's language.
const unchanging = () => () => {};
const browserLanguage = () => navigator.language;
const noLanguage = () => undefined;

/**
 * The language tags to format numbers for, first choice first: `locale`, the provider's `locale`,
 * the browser's language once hydrated (`firstLocale` picks the first valid one). A button formats
 * with its flow part, so its first paint carries no formatting code.
 */
export function useReaderLocales(locale?: string): Array<string | undefined> {
  return [locale, useAuthSettings().locale, useSyncExternalStore(unchanging, browserLanguage, noLanguage)];
}
