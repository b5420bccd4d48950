// The languages the stories show, one per module of openrouter-connect/locales: plain data, also
// read by the emulator page (a frame's app, a popup's callback page) from its \`locale\` parameter.
import { defaultMessages, type ConnectMessages } from "../../src/index.js";
import { ar, de, es, fr, ja, ptBR, zhCN } from "../../src/locales/index.js";

export interface StoryLocale {
  /** The global's value and the export's name in `openrouter-connect/locales`. */
  id: "en" | "de" | "es" | "fr" | "ja" | "zhCN" | "ptBR" | "ar";
  /** In its own language, for the toolbar. */
  name: string;
  /** BCP 47 tag: the provider's `locale` (balances) and the wrapper's `lang`. */
  tag: string;
  dir: "ltr" | "rtl";
  messages: ConnectMessages;
}

export const STORY_LOCALES: readonly StoryLocale[] = [
  { id: "en", name: "English", tag: "en-US", dir: "ltr", messages: defaultMessages },
  { id: "de", name: "Deutsch", tag: "de-DE", dir: "ltr", messages: de },
  { id: "es", name: "Español", tag: "es-ES", dir: "ltr", messages: es },
  { id: "fr", name: "Français", tag: "fr-FR", dir: "ltr", messages: fr },
  { id: "ja", name: "日本語", tag: "ja-JP", dir: "ltr", messages: ja },
  { id: "zhCN", name: "简体中文", tag: "zh-CN", dir: "ltr", messages: zhCN },
  { id: "ptBR", name: "Português (Brasil)", tag: "pt-BR", dir: "ltr", messages: ptBR },
  { id: "ar", name: "العربية", tag: "ar", dir: "rtl", messages: ar },
];

export const ENGLISH = STORY_LOCALES[0] as StoryLocale;

/** The locale with this id (a global's value, a URL parameter), English for anything else. */
export function storyLocale(id: unknown): StoryLocale {
  return STORY_LOCALES.find((locale) => locale.id === id) ?? ENGLISH;
}

