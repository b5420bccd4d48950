// The languages the demo's buttons speak: the shipped translations of openrouter-connect/locales.
// In your app: import { de } from "openrouter-connect/locales" (only the ones you use).
import type { ConnectMessages } from "../../src/index.js";
import { ar, de, es, fr, ja, ptBR, zhCN } from "../../src/locales/index.js";

export interface Language {
  id: string;
  /** In its own language. */
  name: string;
  /** BCP 47: the provider's `locale` (balances) and the buttons' `lang`; none for English (the browser's). */
  tag?: string;
  dir: "ltr" | "rtl";
  /** None for English: the library's own defaults. */
  messages?: ConnectMessages;
}

export const LANGUAGES: readonly Language[] = [
  { id: "en", name: "English", dir: "ltr" },
  { id: "de", name: "Deutsch", tag: "de-DE", dir: "ltr", messages: de },
  { id: "es", name: "Español", tag: "es-ES", dir: "ltr", messages: es },
  { id: "fr", name: "Français", tag: "fr-FR", dir: "ltr", messages: fr },
  { id: "ja", name: "日本語", tag: "ja-JP", dir: "ltr", messages: ja },
  { id: "zh-CN", name: "简体中文", tag: "zh-CN", dir: "ltr", messages: zhCN },
  { id: "pt-BR", name: "Português (Brasil)", tag: "pt-BR", dir: "ltr", messages: ptBR },
  { id: "ar", name: "العربية", tag: "ar", dir: "rtl", messages: ar },
];

// Kept for this tab only when the visitor picks one (a redirect comes back to English otherwise);
// English stores nothing.
const STORAGE_KEY = "openrouter-connect-demo:language";

export function savedLanguage(): Language {
  let id: string | null = null;
  try {
    id = sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // storage refused: English
  }
  return LANGUAGES.find((language) => language.id === id) ?? (LANGUAGES[0] as Language);
}

/** Remembers `language` for this tab, unless it is English. */
export function saveLanguage(language: Language): void {
  try {
    if (language.id === "en") sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, language.id);
  } catch {
    // storage refused: the choice lasts until a reload
  }
}
