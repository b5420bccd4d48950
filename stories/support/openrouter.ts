/// <reference types="vite/client" />
// What the stories share: the story's emulator, the emulator page's URLs, and small play helpers.
import { expect, waitFor, within } from "storybook/test";
import type { ConnectStatus } from "../../src/index.js";

export { emulatorOf, type StoryEmulator } from "./emulator/story-emulator.js";
export { emulatorPageUrl, popupCallbackUrl } from "./emulator/urls.js";

/**
 * True under browser automation (the vitest run drives Chromium through Playwright, which turns
 * the popup blocker off). In a normal browser a play function can't open a window: its clicks
 * carry no user activation, so the popup blocker stops `window.open`.
 */
export const automated = typeof navigator !== "undefined" && navigator.webdriver === true;

/**
 * Whether a play function may open windows (see `automated`). In the vitest run it must, so a
 * live popup story can never pass there by skipping its flow.
 */
export function canOpenWindows(): boolean {
  if (automated) return true;
  if (import.meta.env.MODE === "test") throw new Error("The vitest run must drive Chromium through Playwright (navigator.webdriver is false).");
  return false;
}

/**
 * The ConnectButton's own button (its accessible name stays the label while busy); `name` is its
 * label, by default the English one (`buttonName(t)` of ./locales matches a locale's).
 */
export function connectButton(canvasElement: HTMLElement, name: RegExp | string | ((name: string) => boolean) = /connect openrouter|connected/i): HTMLButtonElement {
  return within(canvasElement).getByRole("button", { name });
}

/** Waits until the button's `data-state` is `status`. */
export async function waitForStatus(button: HTMLElement, status: ConnectStatus, timeout = 10_000): Promise<void> {
  await waitFor(() => expect(button).toHaveAttribute("data-state", status), { timeout });
}

/** Waits until the polite live region (role=status) next to `button` says `text`. */
export async function expectAnnounced(button: HTMLElement, text: string | RegExp, timeout = 10_000): Promise<void> {
  const region = button.closest(".orc")?.querySelector('[role="status"]') as HTMLElement | null;
  await expect(region).not.toBeNull();
  await expect(region).toHaveAttribute("aria-live", "polite");
  // The button points at the region, so screen readers also read it with the button.
  await expect(button).toHaveAttribute("aria-describedby", region?.id);
  // toHaveTextContent collapses the text's whitespace (no-break spaces too, as French puts before
  // "?"): the expected text is compared the same way.
  const expected = typeof text === "string" ? text.replace(/\s+/g, " ") : text;
  await waitFor(() => expect(region).toHaveTextContent(expected), { timeout });
}

/** The last window the story opened (a popup or a paste tab), once it exists. */
export async function openedWindow(openedWindows: readonly Window[]): Promise<Window> {
  await waitFor(() => expect(openedWindows.length).toBeGreaterThan(0));
  return openedWindows[openedWindows.length - 1] as Window;
}

/** Clicks a button of the consent page in `win` (a popup, tab or frame of this origin) once it shows. */
export async function decideInWindow(win: Window, decision: "Approve" | "Deny"): Promise<void> {
  const button = await waitFor(
    () => {
      const found = win.document.body ? within(win.document.body).getByRole("button", { name: decision }) : null;
      if (!found) throw new Error("consent page not loaded yet");
      return found;
    },
    { timeout: 10_000 },
  );
  button.click();
}
