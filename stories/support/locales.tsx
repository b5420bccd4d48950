// The stories' languages: the toolbar's locale switcher (a global, see .storybook/preview.tsx), a
// decorator scope that gives the provider the locale's `messages` and `locale` and sets `dir`,
// and the play helpers that run a story once per shipped locale and check that every text the
// components show or announce comes from that locale's table.
import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";
import { clearAllMocks, expect, waitFor } from "storybook/test";
import { defaultMessages, type ConnectMessages } from "../../src/index.js";
import { forgetFlowState } from "./flow-state.js";
import { ENGLISH, STORY_LOCALES, storyLocale, type StoryLocale } from "./locale-list.js";
import { automated } from "./openrouter.js";

export { STORY_LOCALES, storyLocale, type StoryLocale };

// ---------------------------------------------------------------- the locale a story shows now

/** Per story: the locale a play function switched to, and how many times (each switch remounts the story). */
const switched = new Map<string, { id: StoryLocale["id"]; run: number }>();
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => (listeners.add(listener), () => void listeners.delete(listener));

const StoryLocaleContext = createContext<StoryLocale>(ENGLISH);

/** The locale the story renders in (the toolbar's, or the one its play function is on). */
export function useStoryLocale(): StoryLocale {
  return useContext(StoryLocaleContext);
}

/**
 * Renders `children(locale)` in the toolbar's locale, or in the one the play function switched to,
 * inside an element with that locale's `dir` and `lang` (as an app sets them on <html>).
 */
export function LocaleScope({ storyId, global, children }: { storyId: string; global: unknown; children: (locale: StoryLocale) => ReactNode }) {
  const state = useSyncExternalStore(subscribe, () => switched.get(storyId));
  const locale = storyLocale(state?.id ?? global);
  return (
    <div key={state?.run ?? 0} dir={locale.dir} lang={locale.tag} data-story-locale={locale.id} data-story-run={state?.run ?? 0}>
      <StoryLocaleContext.Provider value={locale}>{children(locale)}</StoryLocaleContext.Provider>
    </div>
  );
}

/** Forgets what a play function switched to (the preview calls it when a story ends). */
export function forgetSwitchedLocale(storyId: string): void {
  switched.delete(storyId);
}

interface PlayContext {
  id: string;
  canvasElement: HTMLElement;
  globals: Record<string, unknown>;
}

/** Shows the story afresh in `locale`: flow state forgotten, the story remounted under that locale's provider. */
export async function showLocale(context: PlayContext, locale: StoryLocale): Promise<void> {
  forgetFlowState();
  clearAllMocks(); // the story's onKey/onError spies count this locale's run only
  const run = (switched.get(context.id)?.run ?? 0) + 1;
  switched.set(context.id, { id: locale.id, run });
  for (const listener of listeners) listener();
  await waitFor(() => expect(context.canvasElement.querySelector(`[data-story-locale="${locale.id}"][data-story-run="${run}"]`)).not.toBeNull());
}

/** The locale a story shows now: the one its play function switched to, else the toolbar's. */
export function localeOf(context: PlayContext): StoryLocale {
  return storyLocale(switched.get(context.id)?.id ?? context.globals.locale);
}

/**
 * The locales a play function runs in: under automation (the vitest run) every shipped locale,
 * English first and Arabic (right to left) last, so axe checks the story in Arabic; in the
 * Storybook UI only the toolbar's, so the story stays in the language you picked.
 */
export function localesToPlay(context: PlayContext): readonly StoryLocale[] {
  return automated ? STORY_LOCALES : [storyLocale(context.globals.locale)];
}

export interface InEachLocaleOptions {
  /** Texts the story itself puts in the components (its own `children` label): not the library's. */
  ownTexts?: readonly string[];
}

/**
 * A play function that runs `scenario` once per locale (`localesToPlay`), each time on a fresh
 * story, then checks that every text the components show or announce is the locale's own.
 */
export function inEachLocale<C extends PlayContext>(
  scenario: (context: C, t: ConnectMessages, locale: StoryLocale) => Promise<void>,
  { ownTexts = [] }: InEachLocaleOptions = {},
): (context: C) => Promise<void> {
  return async (context) => {
    for (const locale of localesToPlay(context)) {
      try {
        await showLocale(context, locale);
        await scenario(context, locale.messages, locale);
        await expectLocaleTexts(context.canvasElement, locale, ownTexts);
      } catch (error) {
        if (error instanceof Error) error.message = `In ${locale.name} (${locale.id}): ${error.message}`;
        throw error;
      }
    }
  };
}

// ---------------------------------------------------------------- no English where it does not belong

/** The elements that hold a text of the library's own: labels, actions, live regions, links. */
const TEXT_HOLDERS = ".orc-label, .orc-secondary, .orc-status, .orc-paste label, .orc-paste a, .orc-revoke, p[role=status][data-state]";

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A table text as a pattern: its placeholders (`{balance}`) match whatever fills them. */
const pattern = (text: string) => new RegExp(`^${escape(text).replace(/\\\{\w+\\\}/g, ".+")}$`, "s");

/** The library's texts shown in `root` (a story's canvas), and in the frames it holds (a tab's app). */
export function libraryTexts(root: ParentNode): string[] {
  const frames = Array.from(root.querySelectorAll("iframe"), (frame) => frame.contentDocument).filter((doc) => doc !== null);
  return [root, ...frames].flatMap((node) => Array.from(node.querySelectorAll(TEXT_HOLDERS), (element) => element.textContent?.trim() ?? "")).filter(Boolean);
}

/**
 * Every text the components show or announce in `root` is one of `locale`'s (its placeholders
 * filled), and, outside English, none is an English text that differs from the locale's own.
 */
export async function expectLocaleTexts(root: ParentNode, locale: StoryLocale, ownTexts: readonly string[] = []): Promise<void> {
  const own = Object.values(locale.messages).map(pattern);
  const english = (Object.keys(defaultMessages) as Array<keyof ConnectMessages>)
    .filter((key) => locale.id !== "en" && defaultMessages[key] !== locale.messages[key])
    .map((key) => [defaultMessages[key], pattern(defaultMessages[key])] as const);
  const problems: string[] = [];
  const texts = libraryTexts(root).filter((text) => !ownTexts.includes(text));
  for (const text of texts) {
    if (!own.some((p) => p.test(text))) problems.push(`"${text}" is not one of ${locale.id}'s texts`);
    for (const [source, p] of english) if (p.test(text)) problems.push(`"${text}" is English ("${source}")`);
  }
  // One assertion (the interactions panel logs each): the texts checked, and what was wrong with them.
  await expect({ checked: texts.length > 0, problems }).toEqual({ checked: true, problems: [] });
}

/** Matches the ConnectButton's accessible name in `t`: its label, or once connected, with or without a balance. */
export function buttonName(t: ConnectMessages): (name: string) => boolean {
  const withBalance = pattern(t.connectedWithBalance);
  return (name) => name === t.connect || name === t.connectedLabel || withBalance.test(name);
}
