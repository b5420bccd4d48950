/// <reference types="vite/client" />
import type { Decorator, Preview, StoryContext } from "@storybook/react-vite";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { http } from "msw";
import { setupWorker } from "msw/browser";
import { createPreviewAnnotations } from "msw-storybook-addon/preview";
import { OpenRouterAuthProvider } from "../src/index.js";
import { createOpenRouterHandlers } from "../src/testing/index.js";
import { hostEmulator, respond } from "../stories/support/emulator/bridge.js";
import { attachEmulator, emulatorOf, type OpenRouterParameters, type StoryEmulator } from "../stories/support/emulator/story-emulator.js";
import { consentPageUrl, EMULATOR_ORIGIN } from "../stories/support/emulator/urls.js";
import { forgetFlowState } from "../stories/support/flow-state.js";
import { forgetSwitchedLocale, LocaleScope, STORY_LOCALES } from "../stories/support/locales.js";

// ---------------------------------------------------------------- msw

// One worker for the preview (msw-storybook-addon starts it once and resets story overrides
// after each story). Its one permanent handler hands every request for an emulator to the
// story that owns it (stories/support/emulator/bridge.ts), so stories rendered side by side on
// a docs page each keep their own emulator, faults and all.
const mswAnnotations = createPreviewAnnotations(async () => {
  const worker = setupWorker(http.all(`${EMULATOR_ORIGIN}/*`, ({ request }) => respond(request)));
  await worker.start({
    quiet: true,
    onUnhandledRequest: "bypass",
    // Relative to Vite's base: works in `storybook dev`, a static build under a sub-path, and vitest.
    serviceWorker: { url: new URL(`${import.meta.env.BASE_URL}mockServiceWorker.js`, window.location.href).pathname },
  });
  return worker;
});

// ---------------------------------------------------------------- windows opened by a story

// Recorded (never changed), so a story can look into the popup it opened and every window a
// story opened is closed when it ends. Still called synchronously in the click, so browsers
// treat it exactly as the library's own call.
const openedWindows: Window[] = [];
const open = window.open.bind(window);
window.open = (...args: Parameters<typeof window.open>) => {
  const opened = open(...args);
  if (opened && !openedWindows.includes(opened)) openedWindows.push(opened);
  return opened;
};

// ---------------------------------------------------------------- one emulator per story

let stories = 0;

/** A fresh emulator for each story, at a URL of its own (`https://openrouter.test/<story>/<n>`). */
function openRouterBeforeEach(context: StoryContext) {
  const { apiKey: _providerKey, ...options } = (context.parameters.openrouter ?? {}) as OpenRouterParameters;
  const handlers = createOpenRouterHandlers({ ...options, baseUrl: `${EMULATOR_ORIGIN}/${context.id}/${++stories}` });
  forgetFlowState();
  openedWindows.length = 0;
  const emulator: StoryEmulator = {
    ...handlers,
    get events() {
      return handlers.app.events;
    },
    consentUrl: consentPageUrl(handlers.url),
    queryClient: new QueryClient(),
    openedWindows,
  };
  attachEmulator(context, emulator);
  const stopHosting = hostEmulator(emulator);
  return () => {
    stopHosting();
    emulator.queryClient.clear();
    for (const opened of openedWindows.splice(0)) opened.close();
    forgetFlowState();
    forgetSwitchedLocale(context.id);
  };
}

/**
 * Every story runs inside the providers an app would have: react-query's client and an
 * `OpenRouterAuthProvider` pointed at the story's emulator (`baseUrl`, the consent page as
 * `authUrl`, and the emulator's key as `apiKey` for the minted flow), in the toolbar's locale:
 * its `messages` and `locale` on the provider, its `dir` and `lang` on the story's element.
 */
const withOpenRouter: Decorator = (Story, context) => {
  const emulator = emulatorOf(context);
  const { apiKey } = (context.parameters.openrouter ?? {}) as OpenRouterParameters;
  return (
    <QueryClientProvider client={emulator.queryClient}>
      <LocaleScope storyId={context.id} global={context.globals.locale}>
        {(locale) => (
          <OpenRouterAuthProvider
            baseUrl={emulator.apiBaseUrl}
            authUrl={emulator.consentUrl}
            apiKey={apiKey === null ? undefined : (apiKey ?? emulator.apiKey)}
            messages={locale.messages}
            locale={locale.tag}
          >
            <Story />
          </OpenRouterAuthProvider>
        )}
      </LocaleScope>
    </QueryClientProvider>
  );
};

const preview: Preview = {
  // The toolbar's locale switcher: every story renders in the language picked there.
  globalTypes: {
    locale: {
      description: "Language of the components' texts (openrouter-connect/locales)",
      toolbar: {
        title: "Locale",
        icon: "globe",
        items: STORY_LOCALES.map(({ id, name, tag }) => ({ value: id, title: name, right: tag })),
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { locale: "en" },
  beforeEach: [mswAnnotations.beforeEach, openRouterBeforeEach].flat().filter((hook) => hook !== undefined),
  decorators: [withOpenRouter],
  parameters: {
    layout: "centered",
    controls: { expanded: true, exclude: /^on[A-Z]/ },
    // axe runs after every story (and its play function); in the vitest run a violation fails the story.
    a11y: { test: "error" },
    docs: { codePanel: true },
    options: {
      storySort: { order: ["Introduction", "Components", "Hooks", "*"] },
    },
  },
  tags: ["autodocs"],
};

export default preview;
