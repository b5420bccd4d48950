import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, fn, spyOn, userEvent, waitFor, within } from "storybook/test";
import { ConnectButton, OpenRouterAuthProvider } from "../src/index.js";
import { de } from "../src/locales/index.js";
import { buttonName, expectLocaleTexts, localeOf, STORY_LOCALES } from "./support/locales.js";
import { canOpenWindows, connectButton, decideInWindow, emulatorOf, expectAnnounced, openedWindow, popupCallbackUrl, waitForStatus } from "./support/openrouter.js";

/**
 * Every text `ConnectButton` shows or announces comes from one table, `ConnectMessages`: English
 * by default (`defaultMessages`), or a shipped translation from `openrouter-connect/locales` (`de`,
 * `es`, `fr`, `ja`, `zhCN`, `ptBR`, `ar`) passed as `messages` to the provider (for the whole tree)
 * or to the button (over the provider's, key by key). `locale` formats the balance. Pick a language
 * in the toolbar's Locale menu to see every other story in it.
 */
const meta = {
  title: "Components/ConnectButton/Translations",
  component: ConnectButton,
  args: { onKey: fn(), onError: fn(), onStatusChange: fn() },
} satisfies Meta<typeof ConnectButton>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Every text the live region (role=status) next to `button` says, in order, from now on. */
function recordAnnouncements(button: HTMLElement): { said: string[]; stop: () => void } {
  const region = button.closest(".orc")?.querySelector('[role="status"]') as HTMLElement;
  const said: string[] = [];
  const note = () => {
    const text = region.textContent ?? "";
    if (text && text !== said[said.length - 1]) said.push(text);
  };
  const observer = new MutationObserver(note);
  observer.observe(region, { childList: true, characterData: true, subtree: true });
  return { said, stop: () => observer.disconnect() };
}

/**
 * One whole flow in German, live against the emulator: the provider has `messages={de}` and
 * `locale="de-DE"`. The popup opens, you approve there, the key comes back; the live region says
 * each step in German, in order; the balance is formatted for `de-DE` ("Verbunden · 7,25 $
 * verfügbar"); Disconnect says it in German; then an exchange the emulator fails shows the German
 * text for `server_error`, while `onError` still gets the developer's English detail.
 */
export const GermanEndToEnd: Story = {
  globals: { locale: "de" },
  args: { limit: 7.25, persist: true, showBalance: true, callbackUrl: popupCallbackUrl("de") },
  play: async ({ canvasElement, args, context }) => {
    const locale = localeOf(context);
    await expect(locale.messages).toBe(de);
    const button = connectButton(canvasElement, buttonName(de));
    await expect(button).toHaveAccessibleName("Mit OpenRouter verbinden");
    if (!canOpenWindows()) return;

    const announcements = recordAnnouncements(button);
    await userEvent.click(button);
    await decideInWindow(await openedWindow(emulatorOf(context).openedWindows), "Approve");
    await waitForStatus(button, "connected");
    await waitFor(() => expect(button).toHaveAccessibleName("Verbunden · 7,25\u00a0$ verfügbar"));
    announcements.stop();
    await expect(announcements.said).toEqual([de.opening, de["awaiting-popup"], de.exchanging, de.connected]);
    await expect(announcements.said).toEqual([
      "OpenRouter wird geöffnet …",
      "Warten auf Ihre Bestätigung im OpenRouter-Fenster …",
      "Ihr Schlüssel wird erstellt …",
      "Mit OpenRouter verbunden.",
    ]);
    await expectLocaleTexts(canvasElement, locale);

    await userEvent.click(within(canvasElement).getByRole("button", { name: "Trennen" }));
    await expectAnnounced(button, de.forgotten);
    await expect(within(canvasElement).getByRole("link", { name: "Bei OpenRouter widerrufen" })).toBeVisible();

    emulatorOf(context).faults.failNext("exchange", { status: 500 });
    await userEvent.click(button);
    await decideInWindow(await openedWindow(emulatorOf(context).openedWindows), "Approve");
    await waitForStatus(button, "error");
    await expectAnnounced(button, "Bei OpenRouter ist ein Problem aufgetreten. Bitte versuchen Sie es erneut.");
    await expect(args.onError).toHaveBeenCalledWith(expect.objectContaining({ code: "server_error", message: "OpenRouter answered 500: Internal Server Error" }));
    await expectLocaleTexts(canvasElement, locale);
  },
};

/**
 * Arabic, right to left (`dir="rtl"` on the page, as an Arabic app sets it on `<html>`). The
 * styles use logical properties only, so everything mirrors: the icon sits at the inline start
 * (the right) and its key points at the label, the spinner sits at the inline end with its gap
 * and turn mirrored, and the secondary actions (Try again, Cancel) follow on the left. Shown while
 * OpenRouter's window is out of sight, when all of them show at once.
 */
export const ArabicRightToLeft: Story = {
  globals: { locale: "ar" },
  beforeEach: () => {
    let gone = false; // a popup that reads closed once it leaves for the consent page, as under COOP
    const hidden = {
      get closed() {
        return gone;
      },
      close() {},
      focus() {},
      document: { title: "", body: { textContent: "" } },
      location: { replace: () => void (gone = true), href: "about:blank" },
    };
    const spy = spyOn(window, "open").mockReturnValue(hidden as unknown as Window);
    return () => spy.mockRestore();
  },
  play: async ({ canvasElement, context }) => {
    const locale = localeOf(context);
    const t = locale.messages;
    await expect(locale.id).toBe("ar");
    const button = connectButton(canvasElement, t.connect);
    await userEvent.click(button);
    await waitForStatus(button, "awaiting-approval");
    window.dispatchEvent(new FocusEvent("focus"));
    await expectAnnounced(button, t["popup-hidden"]);

    const orc = button.closest(".orc") as HTMLElement;
    await expect(getComputedStyle(orc).direction).toBe("rtl");
    const box = (selector: string) => (orc.querySelector(selector) as HTMLElement).getBoundingClientRect();
    const [icon, label, spinner] = [box(".orc-icon"), box(".orc-label"), box(".orc-spinner")];
    // Inline start is the right: icon, then label, then spinner, from right to left.
    await expect(icon.left).toBeGreaterThanOrEqual(label.right);
    await expect(spinner.right).toBeLessThanOrEqual(label.left);
    // The secondary actions follow the button on the left, Try again first.
    const tryAgain = within(canvasElement).getByRole("button", { name: t.tryAgain }).getBoundingClientRect();
    const cancel = within(canvasElement).getByRole("button", { name: t.cancel }).getBoundingClientRect();
    await expect(tryAgain.right).toBeLessThanOrEqual(button.getBoundingClientRect().left);
    await expect(cancel.right).toBeLessThanOrEqual(tryAgain.left);
    // The spinner's gap is at its inline end (the left here), and it turns the other way.
    const spin = getComputedStyle(orc.querySelector(".orc-spinner") as HTMLElement);
    await expect(spin.borderLeftColor).toBe("rgba(0, 0, 0, 0)");
    await expect(spin.borderRightColor).not.toBe("rgba(0, 0, 0, 0)");
    await expect(spin.animationDirection).toBe("reverse");
    // The default mark (a key) is flipped so that it points at the label.
    await expect(getComputedStyle(orc.querySelector(".orc-mark") as Element).transform).toBe("matrix(-1, 0, 0, 1, 0, 0)");
    await expectLocaleTexts(canvasElement, locale);
  },
};

/**
 * The button in every shipped language at once, each under its own provider (`messages`,
 * `locale`) and direction: a quick look at label lengths and at Arabic's mirroring.
 */
export const EveryLanguage: Story = {
  render: (args) => (
    <div style={{ display: "grid", gap: 12, justifyItems: "start" }}>
      {STORY_LOCALES.map((locale) => (
        <div key={locale.id} dir={locale.dir} lang={locale.tag} data-locale={locale.id}>
          <OpenRouterAuthProvider messages={locale.messages} locale={locale.tag}>
            <ConnectButton {...args} />
          </OpenRouterAuthProvider>
        </div>
      ))}
    </div>
  ),
  play: async ({ canvasElement }) => {
    for (const locale of STORY_LOCALES) {
      const scope = canvasElement.querySelector(`[data-locale="${locale.id}"]`) as HTMLElement;
      await expect(within(scope).getByRole("button")).toHaveAccessibleName(locale.messages.connect);
      await expectLocaleTexts(scope, locale);
    }
  },
};
