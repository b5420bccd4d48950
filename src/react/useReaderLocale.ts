"use client";
import { firstLocale } from "../core/messages.js";
import { useReaderLocales } from "./useReaderLocales.js";

/**
 * The language tag to format numbers for: `locale`, else the provider's `locale`, else the
 * browser's language once hydrated, else `en-US`. Invalid tags are skipped.
 */
export function useReaderLocale(locale?: string): string {
  return firstLocale(useReaderLocales(locale));
}
