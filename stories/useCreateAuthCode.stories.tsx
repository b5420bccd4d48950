import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, userEvent, waitFor, within } from "storybook/test";
import { CreateAuthCodeForm } from "./examples/CreateAuthCodeForm.js";
import { failures, type ExpectedError } from "./support/failures.js";
import { emulatorOf } from "./support/openrouter.js";

const meta = {
  title: "Hooks/useCreateAuthCode",
  component: CreateAuthCodeForm,
  args: {
    callbackUrl: "https://app.example/openrouter/callback",
    // RFC 7636, appendix B: the challenge of the verifier dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk.
    codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    codeChallengeMethod: "S256",
    limit: "5",
    expiresAt: "2030-12-31T23:59:59Z",
    keyLabel: "Teammate laptop",
    usageLimitType: "monthly",
    workspaceId: "0f8fad5b-d9cb-469f-a165-70867728950e",
  },
  argTypes: {
    codeChallengeMethod: { control: "inline-radio", options: ["", "S256", "plain"] },
    usageLimitType: { control: "inline-radio", options: ["", "daily", "weekly", "monthly"] },
  },
  parameters: { layout: "padded" },
} satisfies Meta<typeof CreateAuthCodeForm>;

export default meta;
type Story = StoryObj<typeof meta>;

async function submit(canvasElement: HTMLElement): Promise<HTMLElement> {
  await userEvent.click(within(canvasElement).getByRole("button", { name: "Create code" }));
  return within(canvasElement).getByRole("status");
}

/** Before sending: every field filled with a valid value. */
export const Idle: Story = {};

/** `pending`: the emulator holds the request; the button is disabled until it answers. */
export const Pending: Story = {
  beforeEach: (context) => emulatorOf(context).faults.delay("code", 600_000),
  play: async ({ canvasElement }) => {
    const status = await submit(canvasElement);
    await waitFor(() => expect(status).toHaveTextContent("Creating the code…"));
    await expect(within(canvasElement).getByRole("button", { name: "Create code" })).toBeDisabled();
  },
};

/** `success`: the response, camelCased (`data.id`, `appId`, `createdAt`); the emulator kept every field. */
export const Success: Story = {
  play: async ({ canvasElement, args, context }) => {
    const status = await submit(canvasElement);
    await waitFor(() => expect(status).toHaveTextContent("Code created."));
    const [issued] = emulatorOf(context).codesIssued();
    const response = JSON.parse(within(canvasElement).getByTestId("response").textContent ?? "{}");
    await expect(response).toEqual({ data: { id: issued?.code, appId: 1, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) } });
    await expect(issued).toMatchObject({
      source: "minted",
      callbackUrl: args.callbackUrl,
      codeChallenge: args.codeChallenge,
      codeChallengeMethod: "S256",
      limit: 5,
      expiresAt: args.expiresAt,
      keyLabel: args.keyLabel,
      usageLimitType: "monthly",
      workspaceId: args.workspaceId,
    });
  },
};

/** Only `callbackUrl` is required: everything else left out of the request. */
export const OnlyTheCallback: Story = {
  args: { codeChallenge: "", codeChallengeMethod: "", limit: "", expiresAt: "", keyLabel: "", usageLimitType: "", workspaceId: "" },
  play: async ({ canvasElement, context }) => {
    const status = await submit(canvasElement);
    await waitFor(() => expect(status).toHaveTextContent("Code created."));
    await expect(emulatorOf(context).codesIssued()[0]).toMatchObject({ codeChallenge: null, limit: null, keyLabel: null, workspaceId: null });
  },
};

/**
 * Invalid input, refused before any request: each field says what is wrong (an http callback off
 * localhost, a negative limit, a minute-precision expiry, a label over 100 characters, not a UUID).
 */
export const InvalidInput: Story = {
  args: {
    callbackUrl: "http://app.example/callback",
    codeChallenge: "too-short",
    limit: "-1",
    expiresAt: "2030-12-31T23:59Z",
    keyLabel: "x".repeat(101),
    workspaceId: "not-a-uuid",
  },
  play: async ({ canvasElement, context }) => {
    const status = await submit(canvasElement);
    await waitFor(() => expect(within(status).getByTestId("error-code")).toHaveTextContent("invalid_request"));
    for (const path of ["callbackUrl", "codeChallenge", "limit", "expiresAt", "keyLabel", "workspaceId"]) {
      await expect(within(status).getByText(path, { selector: "li > code" })).toBeInTheDocument();
    }
    await expect(emulatorOf(context).app.requests()).toEqual([]);
  },
};

/** Plays one error: submit, expect `code` and `message` in the live region. */
function failsWith({ code, message }: ExpectedError): Story["play"] {
  return async ({ canvasElement }) => {
    const status = await submit(canvasElement);
    await waitFor(() => expect(within(status).getByTestId("error-code")).toHaveTextContent(code));
    await expect(status).toHaveTextContent(message);
  };
}

/** `unauthorized`: no API key (the provider has none here): 401. */
export const Unauthorized: Story = { ...failures.unauthorized.cause(), play: failsWith(failures.unauthorized) };

/** `unauthorized`: a key OpenRouter doesn't know. */
export const UnknownApiKey: Story = {
  parameters: { openrouter: { apiKey: "sk-or-v1-not-a-real-key" } },
  play: failsWith({ code: "unauthorized", message: "OpenRouter answered 401: User not found." }),
};

/** `forbidden`: 403. */
export const Forbidden: Story = { ...failures.forbidden.cause(), play: failsWith(failures.forbidden) };

/** `conflict`: 409, documented by OpenRouter for this endpoint. */
export const Conflict: Story = { ...failures.conflict.cause(), play: failsWith(failures.conflict) };

/** `rate_limited`: 429. */
export const RateLimited: Story = { ...failures.rateLimited.cause(), play: failsWith(failures.rateLimited) };

/** `server_error`: 500. Never retried by the hook; the error says `retryable`, you decide. */
export const ServerError: Story = { ...failures.serverError.cause(), play: failsWith(failures.serverError) };

/** `network_error`: the connection dropped. */
export const NetworkError: Story = { ...failures.dropped.cause(), play: failsWith(failures.dropped) };

/** `invalid_response`: a 200 that isn't JSON. */
export const InvalidResponse: Story = { ...failures.notJson.cause(), play: failsWith(failures.notJson) };
