import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, fn, userEvent, waitFor, within } from "storybook/test";
import { ConnectButton, createOpenRouterAuthClient, OpenRouterAuthProvider, type ConnectMessages, type OpenRouterAuthClient } from "../src/index.js";
import { BrowserTab } from "./support/BrowserTab.js";
import { blockPopups, openCrossOriginPopups, refuseSessionStorage } from "./support/browser-doubles.js";
import { failures, type ExpectedError, type Failure, type Route } from "./support/failures.js";
import { buttonName, inEachLocale, useStoryLocale, type StoryLocale } from "./support/locales.js";
import { connectButton, decideInWindow, emulatorOf, emulatorPageUrl, expectAnnounced, waitForStatus } from "./support/openrouter.js";

/**
 * Every error code `ConnectButton` can report, each caused for real where a script can: the
 * emulator answers with an error (`faults.failNext`), drops or garbles the answer, or delays it
 * past a deadline; or the input, the code or the user's choice is wrong. A few browser behaviours
 * a script can't cause (a popup blocker, a user closing OpenRouter's window, storage a browser
 * refuses) are stood in for; the library code under them is real.
 *
 * The user reads the text of the error's `code` in the button's table (`messages`, in the
 * toolbar's locale), announced in its polite live region (role=status), which the button names
 * with `aria-describedby`; `onError` receives the error, with its stable `code` and the
 * developer's English detail as `message`. In the vitest run each story plays in every shipped
 * locale and checks that no text is left in another language.
 */
const meta = {
  title: "Components/ConnectButton/Errors",
  component: ConnectButton,
  args: { onKey: fn(), onError: fn(), onStatusChange: fn(), mint: { limit: 5 } },
} satisfies Meta<typeof ConnectButton>;

export default meta;
type Story = StoryObj<typeof meta>;
type Context = Parameters<NonNullable<Story["play"]>>[0];

/** Starts the attempt the story is about; by default a click on the button. */
type Start = (context: Context, button: HTMLButtonElement, t: ConnectMessages) => Promise<void>;
const click: Start = async (_context, button) => userEvent.click(button);

interface Plan {
  /** Before each attempt: queue the fault or install the stand-in that causes the error. */
  arm?: (context: Context) => void | (() => void);
  start?: Start;
  /** After the error: what else the story shows. */
  then?: (context: Context, t: ConnectMessages) => Promise<void>;
}

/** Plays the story in each locale: arm, start, then expect the error with `code`, worded by the locale's table. */
function failsWith({ code, message }: ExpectedError, { arm, start = click, then }: Plan = {}): Story["play"] {
  return inEachLocale<Context>(async (context, t) => {
    const disarm = arm?.(context);
    try {
      const button = connectButton(context.canvasElement, buttonName(t));
      await start(context, button, t);
      await waitForStatus(button, "error", 10_000);
      await expectAnnounced(button, t[code]);
      await expect(context.args.onError).toHaveBeenCalledWith(expect.objectContaining({ code, message }));
      await expect(context.args.onKey).not.toHaveBeenCalled();
      await then?.(context, t);
    } finally {
      disarm?.();
    }
  });
}

/** A failure the emulator causes on `route`: queued again before each locale's attempt. */
function fails(failure: Failure, route?: Route): Story {
  return { parameters: failure.cause(route).parameters, play: failsWith(failure, { arm: (context) => failure.arm(context, route) }) };
}

/** Paste mode: click, then paste `code` (a function of the context) and submit it. */
function pasting(code: (context: Context) => string | Promise<string>): Start {
  return async (context, button, t) => {
    await userEvent.click(button);
    await waitForStatus(button, "awaiting-approval");
    await userEvent.type(within(context.canvasElement).getByLabelText(t.pasteLabel), await code(context));
    await userEvent.click(within(context.canvasElement).getByRole("button", { name: t.submitCode }));
  };
}

// ---------------------------------------------------------------- refused before any request

/** `invalid_request`: input is checked before anything is sent or opened (here `mint.limit: -1`). */
export const InvalidRequest: Story = {
  args: { mint: { limit: -1 } },
  play: async (context) => {
    await failsWith({ code: "invalid_request", message: "Invalid request: limit: must be between 0 and 1000000000" })?.(context);
    await expect(emulatorOf(context).app.requests()).toEqual([]);
  },
};

// ---------------------------------------------------------------- OpenRouter's answers

/** `unauthorized`: minting without an API key (the provider has none here): 401. */
export const Unauthorized: Story = fails(failures.unauthorized);

/** `forbidden`: OpenRouter refuses the key (403). */
export const Forbidden: Story = fails(failures.forbidden);

/** `invalid_code`: a code OpenRouter never issued (or already exchanged), pasted in paste mode. */
export const InvalidCode: Story = {
  args: { mint: undefined, mode: "paste" },
  play: failsWith({ code: "invalid_code", message: "OpenRouter answered 403: Invalid code or code_verifier" }, { start: pasting(() => "auth_code_never-issued") }),
};

/** `code_expired`: codes live 10 minutes on OpenRouter; this story's emulator gives them 1 ms. */
export const CodeExpired: Story = {
  parameters: { openrouter: { codeTtlMs: 1 } },
  beforeEach: (context) => emulatorOf(context).faults.delay("exchange", 50),
  play: failsWith({ code: "code_expired", message: "OpenRouter answered 403: Authorization code expired" }),
};

/**
 * `invalid_code_challenge_method`: the code was issued without a PKCE challenge (a consent URL cut
 * at `&` loses it), but this flow exchanges it with its S256 verifier: 400.
 */
export const InvalidCodeChallengeMethod: Story = {
  args: { mint: undefined, mode: "paste" },
  play: failsWith(
    { code: "invalid_code_challenge_method", message: "OpenRouter answered 400: Invalid code_challenge_method" },
    {
      start: pasting(async (context) => {
        const emulator = emulatorOf(context);
        const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
        const { data } = await client.createAuthCode({ callbackUrl: "https://app.example/callback" });
        return data.id;
      }),
    },
  ),
};

/** `conflict`: 409, "try again later"; `error.retryable` is true. */
export const Conflict: Story = fails(failures.conflict);

/** `rate_limited`: 429. */
export const RateLimited: Story = fails(failures.rateLimited);

/** `http_error`: any other HTTP error, here a 404 (e.g. a `mintUrl` pointing nowhere). */
export const HttpError: Story = fails(failures.notFound);

/** `server_error`: 5XX on the exchange. The library never retries it: a code works once. */
export const ServerError: Story = fails(failures.serverError, "exchange");

/** `network_error`: the connection drops before an answer arrives. */
export const NetworkError: Story = fails(failures.dropped, "exchange");

/** `invalid_response`: a 200 that isn't JSON (a proxy's HTML page, say). */
export const InvalidResponse: Story = fails(failures.notJson, "exchange");

// ---------------------------------------------------------------- deadlines and aborts

/** `timeout`: no answer within `timeoutMs` (default 10 minutes, a code's lifetime; 1 s here). */
export const Timeout: Story = {
  args: { timeoutMs: 1000 },
  beforeEach: (context) => emulatorOf(context).faults.delay("code", 600_000),
  play: failsWith({ code: "timeout", message: "No answer within 1 s; please try again." }),
};

function abortingClient(client: OpenRouterAuthClient): OpenRouterAuthClient {
  return { ...client, createAuthCode: (request) => client.createAuthCode(request, { signal: AbortSignal.abort() }) };
}

/** `aborted`: your own code aborted the request (here a `client` whose requests carry an aborted signal). */
export const Aborted: Story = {
  render: (args, context) => {
    const emulator = emulatorOf(context);
    const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
    return (
      <OpenRouterAuthProvider client={abortingClient(client)} authUrl={emulator.consentUrl}>
        <ConnectButton {...args} />
      </OpenRouterAuthProvider>
    );
  },
  play: failsWith({ code: "aborted", message: "The request was aborted." }),
};

// ---------------------------------------------------------------- the browser and the user

/** `cancelled`: the user pressed Cancel while OpenRouter's page was open. */
export const Cancelled: Story = {
  args: { mint: undefined, mode: "paste" },
  play: failsWith(
    { code: "cancelled", message: "Connecting was cancelled." },
    {
      start: async (context, button, t) => {
        await userEvent.click(button);
        await waitForStatus(button, "awaiting-approval");
        await userEvent.click(within(context.canvasElement).getByRole("button", { name: t.cancel }));
      },
    },
  ),
};

/**
 * `popup_blocked`: the browser blocked the popup (`window.open` returned null, as a blocker
 * makes it). The button offers a way on without a popup: in a top-level page "Continue in this
 * tab" (a redirect); inside a frame, as this story is, "Paste a code instead".
 */
export const PopupBlocked: Story = {
  args: { mint: undefined },
  beforeEach: () => blockPopups(),
  play: failsWith(
    { code: "popup_blocked", message: "The browser blocked the OpenRouter window." },
    { then: async ({ canvasElement }, t) => expect(within(canvasElement).getByRole("button", { name: t.pasteInstead })).toBeInTheDocument() },
  ),
};

/**
 * `popup_closed`: the user closed OpenRouter's window before deciding. The popup here is a
 * stand-in for a window on OpenRouter's origin (./support/browser-doubles.ts); the flow watches
 * it exactly as it watches the real one.
 */
export const PopupClosed: Story = {
  args: { mint: undefined },
  play: (() => {
    let popup: ReturnType<typeof openCrossOriginPopups> | undefined;
    return failsWith(
      { code: "popup_closed", message: "The OpenRouter window was closed before approval." },
      {
        // A window of its own for each attempt.
        arm: () => {
          popup = openCrossOriginPopups();
          return popup.restore;
        },
        start: async (_context, button) => {
          await userEvent.click(button);
          await waitForStatus(button, "awaiting-approval");
          // The user reads OpenRouter's page for a moment, then closes the window.
          await new Promise((resolve) => setTimeout(resolve, 500));
          popup?.popup.close();
        },
      },
    );
  })(),
};

/**
 * `unsupported`: the redirect flow keeps the verifier in `sessionStorage`, and this browser
 * refuses it (stand-in: writes throw). The popup needs no storage for secrets.
 */
export const Unsupported: Story = {
  args: { mint: undefined, mode: "redirect" },
  beforeEach: () => refuseSessionStorage(),
  play: failsWith({ code: "unsupported", message: "This browser blocks sessionStorage, which the redirect flow needs; use the popup." }),
};

/**
 * `access_denied`: the user pressed Deny on OpenRouter's page. Shown in the redirect flow, in a
 * frame standing in for a browser tab: the page comes back with `?error=access_denied`.
 */
export const AccessDenied: Story = {
  render: (_args, context) => <LocalizedTab params={{ emulator: emulatorOf(context).url }} />,
  play: inEachLocale<Context>(async ({ canvasElement, context }, t, locale) => {
    const denials = () => emulatorOf(context).events.filter((e) => e.type === "consent_denied").length;
    const before = denials();
    const { frame, tab } = await appIn(canvasElement, locale);
    await userEvent.click(await waitFor(() => tab().getByRole("button", { name: t.connect }), { timeout: 10_000 }));
    await decideInWindow(frame.contentWindow as Window, "Deny");
    await waitFor(() => expect(tab().getByRole("status")).toHaveTextContent(t.access_denied), { timeout: 10_000 });
    await expect(tab().getByRole("button", { name: t.connect })).toHaveAttribute("data-state", "error");
    await expect(denials()).toBe(before + 1);
  }),
};

/**
 * `no_pending_flow`: a page received `?code=` that this browser never asked for (a link someone
 * sent, a stale bookmark). It is ignored, never exchanged. Shown in a frame opened with such a URL.
 */
export const NoPendingFlow: Story = {
  render: (_args, context) => <LocalizedTab params={{ emulator: emulatorOf(context).url, code: "auth_code_from-a-stranger" }} />,
  play: inEachLocale<Context>(async ({ canvasElement, context }, t, locale) => {
    const { tab } = await appIn(canvasElement, locale);
    await waitFor(() => expect(tab().getByRole("status")).toHaveTextContent(t.no_pending_flow.replace(/\s+/g, " ")), { timeout: 10_000 });
    await expect(emulatorOf(context).exchanges()).toEqual([]);
  }),
};

// ---------------------------------------------------------------- a tab in the story's language

/** The example app in a frame (a browser tab), in the language the story shows. */
function LocalizedTab({ params }: { params: Record<string, string> }) {
  const locale = useStoryLocale();
  return <BrowserTab title="Example app" src={emulatorPageUrl("app", { ...params, locale: locale.id })} />;
}

/** The frame of this locale's run, once its app shows in that locale. */
async function appIn(canvasElement: HTMLElement, locale: StoryLocale) {
  const frame = canvasElement.querySelector("iframe") as HTMLIFrameElement;
  const tab = () => within(frame.contentDocument?.body ?? document.createElement("body"));
  await waitFor(() => expect(frame.contentDocument?.documentElement.lang).toBe(locale.tag), { timeout: 10_000 });
  return { frame, tab };
}
