import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, fn, userEvent, waitFor, within } from "storybook/test";
import { ConnectCard } from "./examples/ConnectCard.js";
import { localeOf } from "./support/locales.js";
import { canOpenWindows, decideInWindow, emulatorOf, openedWindow, popupCallbackUrl } from "./support/openrouter.js";

const meta = {
  title: "Hooks/useOpenRouterConnect",
  component: ConnectCard,
  args: { onKey: fn() },
} satisfies Meta<typeof ConnectCard>;

export default meta;
type Story = StoryObj<typeof meta>;

const steps = (canvasElement: HTMLElement) => within(canvasElement).getByRole("list", { name: "Progress" });

/** The card before anything happened. */
export const Idle: Story = {};

/** The minted flow on the custom UI: the current step is marked `aria-current="step"`. */
export const Minted: Story = {
  args: { mint: { limit: 10 } },
  beforeEach: (context) => emulatorOf(context).faults.delay("exchange", 300),
  play: async ({ canvasElement, args, context }) => {
    await userEvent.click(within(canvasElement).getByRole("button", { name: "Connect OpenRouter" }));
    await waitFor(() => expect(within(steps(canvasElement)).getByText("Create your key")).toHaveAttribute("aria-current", "step"));
    await waitFor(() => expect(within(canvasElement).getByRole("status")).toHaveTextContent(/Connected\. Your key ends in/));
    const key = emulatorOf(context).exchanges()[0]?.key ?? "";
    await expect(args.onKey).toHaveBeenCalledWith({ key, userId: "user_emulator" });
    await expect(within(canvasElement).getByRole("status")).toHaveTextContent(key.slice(-4));
  },
};

/**
 * The popup flow on the custom UI. Click, then Approve in the popup (under automation the play
 * function does it in the popup, a page of this origin).
 */
export const Popup: Story = {
  args: { callbackUrl: popupCallbackUrl() },
  play: async ({ canvasElement, args, context }) => {
    if (!canOpenWindows()) return;
    await userEvent.click(within(canvasElement).getByRole("button", { name: "Connect OpenRouter" }));
    await waitFor(() => expect(within(steps(canvasElement)).getByText("You approve")).toHaveAttribute("aria-current", "step"));
    await decideInWindow(await openedWindow(emulatorOf(context).openedWindows), "Approve");
    await waitFor(() => expect(args.onKey).toHaveBeenCalledOnce(), { timeout: 10_000 });
  },
};

/**
 * An error `retryable` says may pass on a new attempt: "Try again" runs the flow once more. The
 * error is worded by its code in the provider's language (`connectErrorText`).
 */
export const ErrorThenRetry: Story = {
  args: { mint: { limit: 10 } },
  beforeEach: (context) => emulatorOf(context).faults.failNext("code", { status: 503 }),
  play: async ({ canvasElement, args, context }) => {
    await userEvent.click(within(canvasElement).getByRole("button", { name: "Connect OpenRouter" }));
    const status = within(canvasElement).getByRole("status");
    await waitFor(() => expect(status).toHaveTextContent(localeOf(context).messages.server_error));
    await userEvent.click(within(canvasElement).getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(args.onKey).toHaveBeenCalledOnce());
  },
};

/** Paste mode through `submitCode`: a wrong code fails for good (not retryable). */
export const PasteWrongCode: Story = {
  play: async ({ canvasElement, args, context }) => {
    await userEvent.click(within(canvasElement).getByLabelText("Paste a code instead"));
    await userEvent.click(within(canvasElement).getByRole("button", { name: "Connect OpenRouter" }));
    await userEvent.type(await within(canvasElement).findByLabelText("Code from OpenRouter"), "auth_code_wrong");
    await userEvent.click(within(canvasElement).getByRole("button", { name: "Submit" }));
    const status = within(canvasElement).getByRole("status");
    await waitFor(() => expect(status).toHaveTextContent(localeOf(context).messages.invalid_code));
    await expect(within(canvasElement).queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
    await expect(args.onKey).not.toHaveBeenCalled();
  },
};
