import type { Decorator, Meta, StoryObj } from "@storybook/react-vite";
import { expect, fn, spyOn, userEvent, waitFor, within } from "storybook/test";
import { ConnectButton, formatBalance, formatMessage } from "../src/index.js";
import { buttonName, expectLocaleTexts, inEachLocale, localeOf } from "./support/locales.js";
import { connectButton, emulatorOf, expectAnnounced, waitForStatus } from "./support/openrouter.js";

// Every story runs against its own OpenRouter emulator (msw handlers from
// `openrouter-connect/testing`) inside the providers an app has: a QueryClientProvider and an
// OpenRouterAuthProvider pointed at the emulator. The states below are real: the play functions
// click, and the emulator's faults (delay, failNext, …) hold a state or make it fail. Each status
// story plays in every shipped locale in the vitest run (in the toolbar's locale in the UI), and
// checks that every text shown or announced is that locale's own (./support/locales.tsx).
const meta = {
  title: "Components/ConnectButton",
  component: ConnectButton,
  args: { onKey: fn(), onError: fn(), onStatusChange: fn() },
  parameters: {
    docs: {
      subtitle:
        "Each story below runs against its own OpenRouter emulator, inside a QueryClientProvider and an OpenRouterAuthProvider pointed at it. The states are real: the play functions click, and the emulator holds or fails requests.",
    },
  },
  argTypes: {
    size: { control: "inline-radio", options: ["sm", "md", "lg"] },
    theme: { control: "inline-radio", options: ["auto", "light", "dark"] },
    mode: { control: "inline-radio", options: ["popup", "redirect", "paste"] },
    icon: { control: false },
    mint: { control: "object" },
  },
} satisfies Meta<typeof ConnectButton>;

export default meta;
type Story = StoryObj<typeof meta>;
// What a play function receives.
type Context = Parameters<NonNullable<Story["play"]>>[0];

const statusesOf = (onStatusChange: unknown) => (onStatusChange as ReturnType<typeof fn>).mock.calls.map(([status]) => status);
const onDark: Decorator = (Story) => (
  <div style={{ background: "#0b1120", padding: 24, borderRadius: 12 }}>
    <Story />
  </div>
);

// ---------------------------------------------------------------- status by status

/** `idle`: nothing has happened yet. The live region (role=status) is empty and hidden. */
export const Idle: Story = {
  play: inEachLocale<Context>(async (context, t) => {
    const button = connectButton(context.canvasElement, t.connect);
    await expect(button).toHaveAccessibleName(t.connect);
    await expect(button).toHaveAttribute("type", "button");
    await expect(button).toHaveAttribute("data-state", "idle");
    await expect(button).toHaveAttribute("aria-busy", "false");
    // Empty and hidden (`display: none`) until there is something to say.
    await expect(context.canvasElement.querySelector('[role="status"]')).toBeEmptyDOMElement();
    await expect(emulatorOf(context).app.requests()).toEqual([]);
  }),
};

/**
 * `opening`: the flow is preparing (PKCE pair, window, or, here in the minted flow, the code
 * request). The emulator holds `POST /auth/keys/code` so the state stays.
 */
export const Opening: Story = {
  args: { mint: { limit: 5 } },
  beforeEach: (context) => emulatorOf(context).faults.delay("code", 600_000),
  play: inEachLocale<Context>(async ({ canvasElement }, t) => {
    const button = connectButton(canvasElement, t.connect);
    await userEvent.click(button);
    await waitForStatus(button, "opening");
    await expect(button).toHaveAttribute("aria-busy", "true");
    await expect(button).toHaveAccessibleName(t.connect);
    await expectAnnounced(button, t["creating-code"]);
  }),
};

/**
 * `awaiting-approval`: OpenRouter's page is open and the user hasn't decided yet. In paste mode
 * (shown) the button also shows where to paste the code; Cancel ends the wait.
 */
export const AwaitingApproval: Story = {
  args: { mode: "paste" },
  play: inEachLocale<Context>(async ({ canvasElement }, t) => {
    const button = connectButton(canvasElement, t.connect);
    await userEvent.click(button);
    await waitForStatus(button, "awaiting-approval");
    await expectAnnounced(button, t["awaiting-paste"]);
    await expect(within(canvasElement).getByLabelText(t.pasteLabel)).toBeInTheDocument();
    await expect(within(canvasElement).getByRole("button", { name: t.submitCode })).toBeInTheDocument();
    await expect(within(canvasElement).getByRole("link", { name: t.openConsentPage })).toBeInTheDocument();
    await expect(within(canvasElement).getByRole("button", { name: t.cancel })).toBeInTheDocument();
  }),
};

/** `exchanging`: the code is being exchanged for the key. The emulator holds `POST /auth/keys`. */
export const Exchanging: Story = {
  args: { mint: { limit: 5 } },
  beforeEach: (context) => emulatorOf(context).faults.delay("exchange", 600_000),
  play: inEachLocale<Context>(async ({ canvasElement }, t) => {
    const button = connectButton(canvasElement, t.connect);
    await userEvent.click(button);
    await waitForStatus(button, "exchanging");
    await expectAnnounced(button, t.exchanging);
    await expect(within(canvasElement).queryByRole("button", { name: t.cancel })).not.toBeInTheDocument();
  }),
};

/**
 * `connected`: the whole walk, `idle` → `opening` → `exchanging` → `connected`, with the minted
 * flow. `onKey` receives the key the emulator issued, exactly once.
 */
export const Connected: Story = {
  args: { mint: { limit: 5, keyLabel: "Storybook" } },
  play: inEachLocale<Context>(async ({ canvasElement, args, context }, t) => {
    const button = connectButton(canvasElement, buttonName(t));
    await expect(button).toHaveAttribute("data-state", "idle");
    await userEvent.click(button);
    await waitForStatus(button, "connected");
    await expect(button).toHaveAccessibleName(t.connectedLabel);
    await expectAnnounced(button, t.connected);

    await expect(statusesOf(args.onStatusChange)).toEqual(["opening", "exchanging", "connected"]);
    const exchange = emulatorOf(context).exchanges().at(-1);
    await expect(args.onKey).toHaveBeenCalledOnce();
    await expect(args.onKey).toHaveBeenCalledWith({ key: exchange?.key, userId: "user_emulator" });
    await expect(args.onError).not.toHaveBeenCalled();
  }),
};

/**
 * With `persist` the key is kept (`true`: this tab's `sessionStorage`; `"local"`: `localStorage`,
 * every tab and across restarts) and a Disconnect action appears; `showBalance` asks
 * `GET /api/v1/key` for the credit left. Disconnect forgets the key on this device and links to
 * OpenRouter's keys page, where it is revoked. Without `persist`, nothing is stored.
 */
export const PersistedWithBalance: Story = {
  args: { mint: { limit: 100 }, persist: true, showBalance: true },
  play: inEachLocale<Context>(async ({ canvasElement }, t, locale) => {
    const button = connectButton(canvasElement, buttonName(t));
    await userEvent.click(button);
    // The balance formatted for the provider's locale ($100.00, 100,00 $, US$ 100,00, …).
    const label = formatMessage(t.connectedWithBalance, { balance: formatBalance(100, locale.tag) });
    await waitFor(() => expect(button).toHaveAccessibleName(label));
    await expect(window.sessionStorage.getItem("openrouter-connect:key")).toMatch(/^sk-or-v1-/);
    await expect(within(canvasElement).getByRole("button", { name: t.disconnect })).toBeVisible();
    await expectLocaleTexts(canvasElement, locale);
    await userEvent.click(within(canvasElement).getByRole("button", { name: t.disconnect }));
    await waitForStatus(button, "idle");
    await expect(button).toHaveFocus();
    await expectAnnounced(button, t.forgotten);
    await expect(within(canvasElement).getByRole("link", { name: t.revoke })).toHaveAttribute("target", "_blank");
  }),
};

/**
 * The consent window can no longer be seen (OpenRouter's Cross-Origin-Opener-Policy hides it, or
 * the user closed it at once) and this page has focus again: the button says so, with Try again
 * (a new window) and Cancel. The wait goes on: a code that still arrives finishes the flow. The
 * popup here is a stand-in whose `closed` reads true at once, as a COOP popup's does in Firefox
 * and Safari.
 */
export const PopupOutOfSight: Story = {
  beforeEach: () => {
    const spy = spyOn(window, "open").mockImplementation(() => {
      let gone = false; // reads closed from the moment it leaves for the consent page
      const hidden = {
        get closed() {
          return gone;
        },
        close() {},
        focus() {},
        document: { title: "", body: { textContent: "" } },
        location: { replace: () => void (gone = true), href: "about:blank" },
      };
      return hidden as unknown as Window;
    });
    return () => spy.mockRestore();
  },
  play: inEachLocale<Context>(async ({ canvasElement, args }, t) => {
    const button = connectButton(canvasElement, t.connect);
    await userEvent.click(button);
    await waitForStatus(button, "awaiting-approval");
    window.dispatchEvent(new FocusEvent("focus")); // the user is back on this page
    await expectAnnounced(button, t["popup-hidden"]);
    await expect(within(canvasElement).getByRole("button", { name: t.tryAgain })).toBeVisible();
    await expect(within(canvasElement).getByRole("button", { name: t.cancel })).toBeVisible();
    await expect(args.onError).not.toHaveBeenCalled();
  }),
};

// ---------------------------------------------------------------- looks

/** `sm`, `md` (default) and `lg`. */
export const Sizes: Story = {
  render: (args) => (
    <div style={{ display: "flex", gap: 16, alignItems: "center" }}>
      <ConnectButton {...args} size="sm" />
      <ConnectButton {...args} size="md" />
      <ConnectButton {...args} size="lg" />
    </div>
  ),
  play: async ({ canvasElement, context }) => {
    const buttons = within(canvasElement).getAllByRole("button", { name: localeOf(context).messages.connect });
    await expect(buttons.map((b) => b.closest(".orc")?.getAttribute("data-size"))).toEqual(["sm", "md", "lg"]);
    const heights = buttons.map((b) => b.getBoundingClientRect().height);
    await expect(heights[0]).toBeLessThan(heights[1] as number);
    await expect(heights[1]).toBeLessThan(heights[2] as number);
  },
};

/** `theme="light"`. The default, `auto`, follows the system's `prefers-color-scheme`. */
export const Light: Story = { args: { theme: "light" } };

/** `theme="dark"`, on a dark page. */
export const Dark: Story = {
  args: { theme: "dark" },
  decorators: [onDark],
};

/** Dark, in its error state: the message keeps its contrast on a dark page. */
export const DarkError: Story = {
  args: { theme: "dark", mint: { limit: 5 } },
  decorators: [onDark],
  play: inEachLocale<Context>(async (context, t) => {
    emulatorOf(context).faults.failNext("code", { status: 500 });
    const button = connectButton(context.canvasElement, t.connect);
    await userEvent.click(button);
    await waitForStatus(button, "error");
    await expectAnnounced(button, t.server_error);
  }),
};

const customCss = `
.my-connect { font: 600 14px/1 system-ui, sans-serif; padding: 10px 16px; border: 0; border-radius: 999px; background: #1e1b4b; color: #fff; cursor: pointer; }
.my-connect[data-state="connected"] { background: #065f46; }
.my-connect[aria-busy="true"] { cursor: progress; opacity: .8; }
.my-connect .orc-icon { display: none; }
`;

/**
 * `unstyled` drops the default stylesheet: only class names (`orc-button`, your `className`) and
 * data attributes (`data-state`, `aria-busy`) remain to style with your own CSS, as here.
 */
export const Unstyled: Story = {
  args: { unstyled: true, className: "my-connect", mint: { limit: 5 } },
  render: (args) => (
    <>
      <style>{customCss}</style>
      <ConnectButton {...args} />
    </>
  ),
  play: async ({ canvasElement, context }) => {
    const button = connectButton(canvasElement, buttonName(localeOf(context).messages));
    await expect(button).toHaveClass("orc-button", "my-connect");
    await expect(button.closest(".orc")).toHaveAttribute("data-unstyled", "");
    await userEvent.click(button);
    await waitForStatus(button, "connected");
  },
};

/** A styled and an `unstyled` button on one page: the default stylesheet (injected once) leaves the unstyled one bare. */
export const UnstyledBesideStyled: Story = {
  render: (args) => (
    <div style={{ display: "flex", gap: 16 }}>
      <ConnectButton {...args}>Styled</ConnectButton>
      <ConnectButton {...args} unstyled>
        Unstyled
      </ConnectButton>
    </div>
  ),
  play: async ({ canvasElement }) => {
    const styled = connectButton(canvasElement, /^styled$/i);
    const bare = connectButton(canvasElement, /^unstyled$/i);
    await waitFor(() => expect(getComputedStyle(styled.closest(".orc") as Element).flexDirection).toBe("column"));
    await expect(getComputedStyle(bare.closest(".orc") as Element).rowGap).toBe("normal");
    await expect(getComputedStyle(styled).cursor).toBe("pointer");
    await expect(getComputedStyle(bare).cursor).not.toBe("pointer");
  },
};

function SparkIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d="M12 3v4M12 17v4M3 12h4M17 12h4M5.6 5.6l2.8 2.8M15.6 15.6l2.8 2.8M5.6 18.4l2.8-2.8M15.6 8.4l2.8-2.8" />
    </svg>
  );
}

/** Your own icon (`icon`, decorative) and label (`children`, the accessible name). */
export const CustomIconAndLabel: Story = {
  args: { icon: <SparkIcon />, children: "Use my OpenRouter credits" },
  play: async ({ canvasElement }) => {
    const button = connectButton(canvasElement, /use my openrouter credits/i);
    await expect(button.querySelector(".orc-icon")).toHaveAttribute("aria-hidden", "true");
  },
};

/** `icon={null}`: no icon at all. */
export const WithoutIcon: Story = {
  args: { icon: null },
  play: async ({ canvasElement, context }) => {
    await expect(connectButton(canvasElement, localeOf(context).messages.connect).querySelector(".orc-icon")).toBeNull();
  },
};

/** `disabled` passes through to the `<button>`: clicking does nothing, nothing is sent. */
export const Disabled: Story = {
  args: { disabled: true, mint: { limit: 5 } },
  play: async ({ canvasElement, args, context }) => {
    const button = connectButton(canvasElement, localeOf(context).messages.connect);
    await expect(button).toBeDisabled();
    await userEvent.click(button, { pointerEventsCheck: 0 });
    await expect(button).toHaveAttribute("data-state", "idle");
    await expect(args.onStatusChange).not.toHaveBeenCalled();
    await expect(emulatorOf(context).app.requests()).toEqual([]);
  },
};

/**
 * In a 180px container: the label is cut with an ellipsis (the accessible name stays whole) and
 * status messages wrap instead of overflowing.
 */
export const NarrowContainer: Story = {
  args: { children: "Connect your OpenRouter account", mint: { limit: 5 } },
  decorators: [
    (Story) => (
      <div data-testid="container" style={{ width: 180, padding: 8, border: "1px dashed #6b7280" }}>
        <Story />
      </div>
    ),
  ],
  play: inEachLocale<Context>(
    async (context, t) => {
      emulatorOf(context).faults.failNext("code", { status: 409 });
      const { canvasElement } = context;
      const container = within(canvasElement).getByTestId("container");
      const button = connectButton(canvasElement, /connect your openrouter account/i);
      await userEvent.click(button);
      await waitForStatus(button, "error");
      await expectAnnounced(button, t.conflict);
      // Inside the container on both sides, whichever way the text runs.
      const box = container.getBoundingClientRect();
      for (const element of container.querySelectorAll<HTMLElement>(".orc, .orc-button, .orc-status")) {
        const { left, right } = element.getBoundingClientRect();
        await expect(right).toBeLessThanOrEqual(box.right);
        await expect(left).toBeGreaterThanOrEqual(box.left);
      }
      const label = button.querySelector(".orc-label") as HTMLElement;
      await expect(label.scrollWidth).toBeGreaterThan(label.clientWidth);
    },
    { ownTexts: ["Connect your OpenRouter account"] },
  ),
};
