import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, fn, userEvent, waitFor, within } from "storybook/test";
import { ConnectButton } from "../src/index.js";
import { BrowserTab } from "./support/BrowserTab.js";
import { buttonName, localeOf, useStoryLocale } from "./support/locales.js";
import {
  canOpenWindows,
  connectButton,
  decideInWindow,
  emulatorOf,
  emulatorPageUrl,
  expectAnnounced,
  openedWindow,
  popupCallbackUrl,
  waitForStatus,
} from "./support/openrouter.js";

/**
 * The four ways `ConnectButton` gets a key, running live against this story's OpenRouter
 * emulator (msw handlers from `openrouter-connect/testing`). The consent page is the emulator's
 * own, shown by a page of this Storybook (`openrouter-emulator.html`), because msw can't answer
 * the navigation a popup or redirect makes; every request it sends still reaches the same
 * emulator, so the code you approve is the code the button exchanges.
 */
const meta = {
  title: "Components/ConnectButton/Live flows",
  component: ConnectButton,
  args: { onKey: fn(), onError: fn(), onStatusChange: fn() },
} satisfies Meta<typeof ConnectButton>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The example app in a frame (a browser tab), in the language the story shows. */
function LocalizedTab({ emulator }: { emulator: string }) {
  return <BrowserTab title="Example app" src={emulatorPageUrl("app", { emulator, locale: useStoryLocale().id })} />;
}

const statusesOf = (onStatusChange: unknown) => (onStatusChange as ReturnType<typeof fn>).mock.calls.map(([status]) => status);

/**
 * The default: OpenRouter's consent page opens in a popup, this page stays. Click the button,
 * then Approve in the popup: the popup hands the code back and closes, the button exchanges it.
 *
 * Here the popup comes back to the emulator page, which renders `<AuthCallback />`; in your app,
 * leave `callbackUrl` out and it comes back to the page that opened it.
 *
 * The play function only clicks under automation: browsers block windows opened by a script
 * without a real click. In the vitest run (Playwright, popup blocker off) it clicks Approve
 * inside the popup itself, which is a page of this origin.
 */
export const Popup: Story = {
  args: { callbackUrl: popupCallbackUrl() },
  play: async ({ canvasElement, args, context }) => {
    const t = localeOf(context).messages;
    const button = connectButton(canvasElement, buttonName(t));
    await expect(button).toHaveAttribute("data-state", "idle");
    if (!canOpenWindows()) return;

    await userEvent.click(button);
    const popup = await openedWindow(emulatorOf(context).openedWindows);
    await waitForStatus(button, "awaiting-approval");
    await expectAnnounced(button, t["awaiting-popup"]);

    await decideInWindow(popup, "Approve");
    await waitForStatus(button, "connected", 10_000);
    await expectAnnounced(button, t.connected);
    const [exchange] = emulatorOf(context).exchanges();
    await expect(args.onKey).toHaveBeenCalledOnce();
    await expect(args.onKey).toHaveBeenCalledWith({ key: exchange?.key, userId: "user_emulator" });
    await expect(statusesOf(args.onStatusChange)).toEqual(["opening", "awaiting-approval", "exchanging", "connected"]);
    await expect(emulatorOf(context).codesIssued()[0]).toMatchObject({ source: "consent", codeChallengeMethod: "S256" });
    await waitFor(() => expect(popup.closed).toBe(true));
  },
};

/**
 * The redirect flow leaves the page and comes back with `?code=`. It runs in a frame here, a
 * stand-in browser tab, so the story (and its emulator) stays while the tab goes to OpenRouter
 * and back. The app in the frame is a `ConnectButton mode="redirect"` with the frame's page as
 * `callbackUrl` (see stories/support/emulator/page.tsx). Watch the address bar: the code arrives in
 * the URL and is removed from it before the exchange.
 */
export const Redirect: Story = {
  render: (_args, context) => <LocalizedTab emulator={emulatorOf(context).url} />,
  play: async ({ canvasElement, context }) => {
    const t = localeOf(context).messages;
    const frame = canvasElement.querySelector("iframe") as HTMLIFrameElement;
    const tab = () => within(frame.contentDocument?.body ?? document.createElement("body"));

    const button = await waitFor(() => tab().getByRole("button", { name: t.connect }), { timeout: 10_000 });
    await userEvent.click(button);
    await decideInWindow(frame.contentWindow as Window, "Approve");

    const received = await waitFor(() => tab().getByTestId("received-key"), { timeout: 10_000 });
    const [exchange] = emulatorOf(context).exchanges();
    await expect(exchange).toMatchObject({ outcome: "ok" });
    await expect(received).toHaveTextContent(exchange?.key?.slice(-6) ?? "?");
    await expect(tab().getByRole("status")).toHaveTextContent(t.connected);
    const address = within(canvasElement).getByTestId("address");
    await waitFor(() => expect(address).toHaveTextContent("view=app"));
    await waitFor(() => expect(address).not.toHaveTextContent("code="));
  },
};

/**
 * The minted flow: `mint` creates the code through `POST /api/v1/auth/keys/code` with spend
 * controls the consent page can't set, then exchanges it. No window opens; it needs the
 * provider's `apiKey` (here the emulator's) or a `mintUrl` on your server.
 */
export const Minted: Story = {
  args: { mint: { limit: 5, keyLabel: "Storybook", usageLimitType: "monthly" }, children: "Create a key with a $5 limit" },
  play: async ({ canvasElement, args, context }) => {
    const t = localeOf(context).messages;
    const button = connectButton(canvasElement, (name) => name === "Create a key with a $5 limit" || buttonName(t)(name));
    await userEvent.click(button);
    await waitForStatus(button, "connected");
    await expectAnnounced(button, t.connected);

    const emulator = emulatorOf(context);
    await expect(statusesOf(args.onStatusChange)).toEqual(["opening", "exchanging", "connected"]);
    await expect(args.onKey).toHaveBeenCalledWith({ key: emulator.exchanges()[0]?.key, userId: "user_emulator" });
    await expect(emulator.codesIssued()).toEqual([
      expect.objectContaining({ source: "minted", limit: 5, keyLabel: "Storybook", usageLimitType: "monthly", codeChallengeMethod: "S256" }),
    ]);
  },
};

/**
 * OpenRouter's headless mode: the consent page opens in a new tab without a way back; after
 * approval it shows the code, and the user pastes it here. For CLIs, embedded frames, devices.
 *
 * Under automation the play function approves in that tab, copies the code and pastes it. In
 * a normal browser the tab is blocked when the play function clicks; use "Open OpenRouter".
 */
export const Paste: Story = {
  args: { mode: "paste", keyLabel: "Storybook paste" },
  play: async ({ canvasElement, args, context }) => {
    const t = localeOf(context).messages;
    const button = connectButton(canvasElement, buttonName(t));
    await userEvent.click(button);
    await waitForStatus(button, "awaiting-approval");
    await expectAnnounced(button, t["awaiting-paste"]);
    const input = within(canvasElement).getByLabelText(t.pasteLabel);
    if (!canOpenWindows()) return;

    const tab = await openedWindow(emulatorOf(context).openedWindows);
    await decideInWindow(tab, "Approve");
    const code = await waitFor(
      () => {
        const shown = tab.document.querySelector("output#code")?.textContent;
        if (!shown) throw new Error("the code is not shown yet");
        return shown;
      },
      { timeout: 10_000 },
    );
    await userEvent.type(input, code);
    await userEvent.click(within(canvasElement).getByRole("button", { name: t.submitCode }));
    await waitForStatus(button, "connected");
    await expect(args.onKey).toHaveBeenCalledWith({ key: emulatorOf(context).exchanges()[0]?.key, userId: "user_emulator" });
    await expect(emulatorOf(context).codesIssued()[0]).toMatchObject({ source: "consent", callbackUrl: null, keyLabel: "Storybook paste" });
  },
};
