/// <reference types="vite/client" />
// Addresses of the emulator page (served by .storybook/emulator-page-plugin.ts), relative to
// Vite's base so a static build hosted under a sub-path (https://example.github.io/repo/) works too.

export const EMULATOR_PAGE = "openrouter-emulator.html";

/** The page's parts: OpenRouter's consent page, a popup's callback page, a redirect app in a frame. */
export type EmulatorView = "auth" | "callback" | "app";

/** Base of every story's emulator; each story adds a unique path below it. */
export const EMULATOR_ORIGIN = "https://openrouter.test";

export function emulatorPageUrl(view: EmulatorView, params: Record<string, string> = {}): string {
  const url = new URL(`${import.meta.env.BASE_URL}${EMULATOR_PAGE}`, window.location.href);
  url.searchParams.set("view", view);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/** The consent page for the emulator at `emulatorUrl`: the provider's `authUrl` in stories. */
export function consentPageUrl(emulatorUrl: string): string {
  return emulatorPageUrl("auth", { emulator: emulatorUrl });
}

/** A callback page that only finishes popups (it renders `<AuthCallback />`), in `locale` (an id of ../locale-list.ts). */
export function popupCallbackUrl(locale?: string): string {
  return emulatorPageUrl("callback", locale ? { locale } : {});
}
