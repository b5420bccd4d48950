// What each story gets: a fresh OpenRouter emulator, answered through msw, and the URLs the
// providers and components need to reach it. Set up in .storybook/preview.tsx, read in stories with
// `emulatorOf(context)` (beforeEach, play, decorators, render's second argument).
import type { QueryClient } from "@tanstack/react-query";
import type { CreateOpenRouterHandlersOptions, OpenRouterHandlers } from "../../../src/testing/index.js";

export interface StoryEmulator extends OpenRouterHandlers {
  /** The emulator page's consent view for this emulator: the provider's `authUrl`. */
  readonly consentUrl: string;
  /** This story's react-query client. */
  readonly queryClient: QueryClient;
  /** Windows opened during this story (popups, paste tabs), closed when it ends. */
  readonly openedWindows: readonly Window[];
}

/** `parameters.openrouter`: options of this story's emulator, and the provider's API key. */
export interface OpenRouterParameters extends Omit<CreateOpenRouterHandlersOptions, "baseUrl"> {
  /** The provider's `apiKey` (for the minted flow); default the emulator's key, `null` for none. */
  apiKey?: string | null;
}

const KEY = "openrouter";

/** Stores the story's emulator in its context (the preview's `beforeEach` does this). */
export function attachEmulator(context: object, emulator: StoryEmulator): void {
  (context as Record<string, unknown>)[KEY] = emulator;
}

/** This story's emulator, from the context of `beforeEach`, `play`, decorators or `render`. */
export function emulatorOf(context: object): StoryEmulator {
  const emulator = (context as Record<string, unknown>)[KEY] as StoryEmulator | undefined;
  if (!emulator) throw new Error("No OpenRouter emulator in this story's context: is .storybook/preview.tsx loaded?");
  return emulator;
}
