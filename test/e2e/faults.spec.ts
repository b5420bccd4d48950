// Issue 6, "Faults and bad input", in Chromium against the emulator's fault injection: every
// failure ends in its error code and message (the button's live region and the demo's log), the
// button is ready again, a new attempt succeeds, no attempt is left in storage, and no exchange is
// ever sent twice.
import type { Page } from "@playwright/test";
import type { RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { exchanges, expectCleanUrl, expectLogEndsWith, expectNoSecretsInStorage, maskKey, section, statusLog } from "./fixtures.js";
import {
  approveAndConnect,
  clickForPopup,
  decideInPopup,
  exchangePosts,
  exchangesOf,
  expect,
  expectNoAttemptLeft,
  expectReady,
  lastCode,
  mintForeignCode,
  statusRegion,
  test,
  watchExchangeRequests,
} from "./support-faults.js";

interface Fault {
  name: string;
  /** Sets the fault up before the attempt. */
  arm: (emulator: RunningOpenRouterEmulator) => void;
  /** What the user does on the consent page. */
  decision: "Approve" | "Deny";
  code: string;
  message: (emulator: RunningOpenRouterEmulator) => string;
  /** Exchange requests the emulator receives in the failed attempt: at least, at most. */
  posts: [number, number];
  /** Exchange requests the page sends in the failed attempt (never more than one: no retry). */
  sent: number;
}

const FAULTS: Fault[] = [
  {
    name: "the exchange answers 500",
    arm: (emulator) => emulator.faults.failNext("exchange", { status: 500 }),
    decision: "Approve",
    code: "server_error",
    message: () => "OpenRouter answered 500: Internal Server Error",
    posts: [1, 1],
    sent: 1,
  },
  {
    // Chromium resends a POST once, on its own, when a reused keep-alive connection dies before
    // any answer byte (the page sees one request): a single drop would reach the app as the
    // resend's 403 for the code the first request used up. Dropping both answers shows what a
    // lost connection looks like to the page.
    name: "the connection drops",
    arm: (emulator) => emulator.faults.dropNext("exchange", 2),
    decision: "Approve",
    code: "network_error",
    message: (emulator) => `Could not reach ${emulator.url}.`,
    posts: [1, 2], // the page's one request and Chromium's resend
    sent: 1,
  },
  {
    name: "the body is not JSON",
    arm: (emulator) => emulator.faults.malformedNext("exchange"),
    decision: "Approve",
    code: "invalid_response",
    message: () => "OpenRouter's answer (HTTP 200) was not JSON.",
    posts: [1, 1],
    sent: 1,
  },
  {
    // OpenRouter's exact answer for a code past its 10 minutes (real expiry: beyond.spec.ts).
    name: "the code has expired",
    arm: (emulator) => emulator.faults.failNext("exchange", { status: 403, message: "Authorization code expired" }),
    decision: "Approve",
    code: "code_expired",
    message: () => "OpenRouter answered 403: Authorization code expired",
    posts: [1, 1],
    sent: 1,
  },
  {
    name: "the user denies",
    arm: () => {},
    decision: "Deny",
    code: "access_denied",
    message: () => "You declined the request on OpenRouter.",
    posts: [0, 0],
    sent: 0,
  },
];

/** A popup attempt on the demo that ends in `fault`, checked from the user's side. */
async function failOnce(page: Page, emulator: RunningOpenRouterEmulator, fault: Fault, sent: () => unknown[]): Promise<void> {
  const button = section(page, "popup").getByRole("button", { name: "Connect OpenRouter" });
  fault.arm(emulator);
  const popup = await clickForPopup(page, button);
  await decideInPopup(popup, fault.decision);

  await expectLogEndsWith(page, "popup", ["error", `error: ${fault.code}`]);
  await expect(statusRegion(page, "popup")).toHaveText(fault.message(emulator));
  await expect(statusRegion(page, "popup")).toHaveAttribute("aria-live", "polite");
  await expect(button).toHaveAttribute("aria-describedby", (await statusRegion(page, "popup").getAttribute("id")) as string);
  await expect.poll(() => popup.isClosed(), { message: "the popup closes" }).toBe(true);
  await expectReady(page, "popup", "Connect OpenRouter");
  await expect(page.getByTestId("popup-key")).toHaveText("No key yet.");
  await expect.poll(() => sent().length, { message: "the page sent one exchange request, never retried" }).toBe(fault.sent);
  expect(exchangePosts(emulator).length).toBeGreaterThanOrEqual(fault.posts[0]);
  expect(exchangePosts(emulator).length).toBeLessThanOrEqual(fault.posts[1]);
  emulator.faults.clear();
  await expectCleanUrl(page);
  await expectNoSecretsInStorage(page, emulator);
  await expectNoAttemptLeft(page);
}

test.describe("the popup flow after a fault", () => {
  for (const fault of FAULTS) {
    test(`${fault.name}: ${fault.code}, then a new attempt succeeds`, async ({ page, demo, emulator }) => {
      const sent = watchExchangeRequests(page, emulator);
      await page.goto(demo.url);
      await failOnce(page, emulator, fault, sent);

      // The new attempt: a new popup, a new code, exactly one exchange of it.
      const button = section(page, "popup").getByRole("button", { name: "Connect OpenRouter" });
      const popup = await clickForPopup(page, button);
      await approveAndConnect(page, popup, "popup");
      const code = lastCode(emulator);
      const [exchange, ...others] = exchangesOf(emulator, code);
      expect(others, "the new code was exchanged once").toEqual([]);
      expect(exchange?.outcome).toBe("ok");
      await expect(page.getByTestId("popup-key")).toHaveText(maskKey(exchange?.key as string));
      await expect(statusRegion(page, "popup")).toHaveText("Connected to OpenRouter.");
      await expect.poll(() => sent().length, { message: "one more exchange request" }).toBe(fault.sent + 1);
      expect(emulator.codesIssued()).toHaveLength(fault.decision === "Deny" ? 1 : 2);
      await expectNoSecretsInStorage(page, emulator);
      await expectNoAttemptLeft(page);
      expect((await statusLog(page, "popup")).filter((text) => text.startsWith("error: ")), "one failure reported, once").toEqual([
        `error: ${fault.code}`,
      ]);
    });
  }
});

test.describe("the deadline", () => {
  for (const deadline of [
    {
      name: "the attempt's timeoutMs",
      config: { buttons: [{ flow: "popup" as const, props: { timeoutMs: 4000 } }] },
      message: "No answer within 4 s; please try again.",
    },
    {
      name: "the client's per-request timeoutMs",
      config: { clientTimeoutMs: 2000, buttons: [{ flow: "popup" as const }] },
      message: "OpenRouter did not answer within 2000 ms.",
    },
  ]) {
    test(`an exchange answered after ${deadline.name}: timeout, the request is cancelled, a new attempt succeeds`, async ({ page, emulator, harness }) => {
      const url = await harness({ authUrl: emulator.authUrl, baseUrl: emulator.apiBaseUrl, ...deadline.config });
      const sent = watchExchangeRequests(page, emulator);
      const aborted: string[] = [];
      page.on("requestfailed", (request) => aborted.push(`${request.method()} ${request.url()} ${request.failure()?.errorText}`));
      await page.goto(url);
      const button = section(page, "popup").getByRole("button", { name: "Connect OpenRouter" });
      emulator.faults.delay("exchange", 30_000);
      const startedAt = Date.now();
      const popup = await clickForPopup(page, button);
      await decideInPopup(popup, "Approve");
      await expectLogEndsWith(page, "popup", ["exchanging"]);

      await expectLogEndsWith(page, "popup", ["exchanging", "error", "error: timeout"], 8000);
      expect(Date.now() - startedAt, "ends at the deadline, not at the answer").toBeLessThan(8000);
      await expect(statusRegion(page, "popup")).toHaveText(deadline.message);
      await expectReady(page, "popup", "Connect OpenRouter");
      await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(1);
      // The late request is cancelled: the emulator never ran the exchange, the code is unused.
      await expect.poll(() => aborted).toEqual([`POST ${emulator.apiBaseUrl}/auth/keys net::ERR_ABORTED`]);
      expect(exchanges(emulator).all).toEqual([]);
      await expectNoSecretsInStorage(page, emulator);
      await expectNoAttemptLeft(page);

      emulator.faults.delay("exchange", 0);
      const second = await clickForPopup(page, button);
      await approveAndConnect(page, second, "popup");
      const code = lastCode(emulator);
      expect(exchangesOf(emulator, code).map((e) => e.outcome)).toEqual(["ok"]);
      expect(exchanges(emulator).all, "the first code was never exchanged").toHaveLength(1);
      await expect(page.getByTestId("popup-key")).toHaveText(maskKey(exchanges(emulator).ok[0]?.key as string));
      await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(2);
      await expectNoAttemptLeft(page);
    });
  }
});

test.describe("the other flows after a fault", () => {
  test("redirect: the exchange answers 500 on the way back, the record is gone, a new redirect succeeds", async ({ page, demo, emulator }) => {
    const sent = watchExchangeRequests(page, emulator);
    await page.goto(demo.url);
    const connect = () => section(page, "redirect").getByRole("button", { name: "Connect in this tab" }).click();
    await connect();
    await page.waitForURL((url) => url.href.startsWith(`${emulator.authUrl}?`));
    emulator.faults.failNext("exchange", { status: 500 });
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL((url) => url.origin === demo.url);

    await expectLogEndsWith(page, "redirect", ["exchanging", "error", "error: server_error"]);
    await expect(statusRegion(page, "redirect")).toHaveText("OpenRouter answered 500: Internal Server Error");
    await expectReady(page, "redirect", "Connect in this tab");
    await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(1);
    await expectCleanUrl(page);
    await expectNoSecretsInStorage(page, emulator);
    await expectNoAttemptLeft(page);
    // Only the button that started it reports it.
    for (const flow of ["popup", "paste", "persisted"] as const) expect(await statusLog(page, flow)).toEqual([]);

    await connect();
    await page.waitForURL((url) => url.href.startsWith(`${emulator.authUrl}?`));
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL((url) => url.origin === demo.url);
    await expectLogEndsWith(page, "redirect", ["exchanging", "connected"]);
    const code = lastCode(emulator);
    expect(exchangesOf(emulator, code).map((e) => e.outcome)).toEqual(["ok"]);
    expect(exchanges(emulator).all, "the failed code was answered by the fault, never exchanged").toHaveLength(1);
    await expect(page.getByTestId("redirect-key")).toHaveText(maskKey(exchanges(emulator).ok[0]?.key as string));
    await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(2);
    await expectCleanUrl(page);
    await expectNoAttemptLeft(page);
  });

  test("paste: the exchange answers with HTML, then a new attempt with a new code succeeds", async ({ page, demo, emulator }) => {
    const sent = watchExchangeRequests(page, emulator);
    await page.goto(demo.url);
    const paste = section(page, "paste");
    const pasteOnce = async () => {
      const tab = await clickForPopup(page, paste.getByRole("button", { name: "Connect with a code" }));
      await tab.getByRole("button", { name: "Approve" }).click();
      const code = ((await tab.locator("output#code").textContent()) ?? "").trim();
      await tab.close();
      await paste.getByLabel("Paste the code from OpenRouter").fill(code);
      await paste.getByRole("button", { name: "Submit code" }).click();
      return code;
    };
    emulator.faults.malformedNext("exchange");
    await pasteOnce();
    await expectLogEndsWith(page, "paste", ["exchanging", "error", "error: invalid_response"]);
    await expect(statusRegion(page, "paste")).toHaveText("OpenRouter's answer (HTTP 200) was not JSON.");
    await expectReady(page, "paste", "Connect with a code");
    await expect(paste.getByLabel("Paste the code from OpenRouter")).toHaveCount(0);
    await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(1);
    await expectNoAttemptLeft(page);

    const code = await pasteOnce();
    await expectLogEndsWith(page, "paste", ["exchanging", "connected"]);
    expect(exchangesOf(emulator, code).map((e) => e.outcome)).toEqual(["ok"]);
    await expect(page.getByTestId("paste-key")).toHaveText(maskKey(exchangesOf(emulator, code)[0]?.key as string));
    await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(2);
    await expectNoSecretsInStorage(page, emulator);
    await expectNoAttemptLeft(page);
  });
});

test.describe("messages that are not the approval", () => {
  test("from another origin, from a window that is not the popup, or for another attempt: ignored; the approval still completes", async ({
    page,
    demo,
    emulator,
  }) => {
    const sent = watchExchangeRequests(page, emulator);
    await page.goto(demo.url);
    const popup = await clickForPopup(page, section(page, "popup").getByRole("button", { name: "Connect OpenRouter" }));
    await expect(popup.getByRole("button", { name: "Approve" })).toBeVisible();
    await expectLogEndsWith(page, "popup", ["awaiting-approval"]);

    // The real attempt id (any script of the app's origin can read it) and a real, unused code
    // of another attempt: if a check were missing, the flow would exchange it.
    const attemptId = await page.evaluate(() => (JSON.parse(sessionStorage.getItem("openrouter-connect:popup") ?? "{}") as { attemptId?: string }).attemptId);
    expect(attemptId).toMatch(/^[0-9a-f]{24}$/);
    const foreignCode = await mintForeignCode(emulator, `${demo.url}/`);
    const message = { type: "openrouter-connect:callback", attemptId, code: foreignCode };
    // Records what arrives, to be sure every message below reached the page (and was ignored).
    await page.evaluate(() => {
      const seen: string[] = [];
      Object.defineProperty(window, "__e2eSeen", { value: seen });
      window.addEventListener("message", (event) => seen.push(`message from ${event.origin}`));
      new BroadcastChannel("openrouter-connect").addEventListener("message", () => seen.push("channel"));
    });

    // 1. The popup itself, while it shows a page of another origin (the consent page).
    await popup.evaluate((data) => window.opener.postMessage(data, "*"), message);
    await popup.evaluate((data) => window.opener.postMessage({ ...data, attemptId: null }, "*"), message);
    // 2. A frame of another origin inside the app's page.
    await page.evaluate(async (src) => {
      const frame = document.createElement("iframe");
      frame.src = src;
      const loaded = new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
      document.body.append(frame);
      await loaded;
    }, `${emulator.url}/not-a-page`);
    const foreignFrame = page.frames().find((frame) => frame.url().startsWith(emulator.url));
    expect(foreignFrame, "the cross-origin frame").toBeTruthy();
    await foreignFrame?.evaluate((data) => window.parent.postMessage(data, "*"), message);
    // 3. The app's own origin, but not the popup: this very window.
    await page.evaluate((data) => window.postMessage(data, window.location.origin), message);
    // 4. The app's own origin over the BroadcastChannel, for another attempt (and for none).
    await page.evaluate((data) => {
      const channel = new BroadcastChannel("openrouter-connect");
      channel.postMessage({ ...data, attemptId: "0123456789abcdef01234567" });
      channel.postMessage({ ...data, attemptId: null });
      channel.close();
    }, message);
    // 5. Another tab of the app's origin, over the channel, for another attempt.
    const other = await page.context().newPage();
    await other.goto(`${demo.url}/`);
    await other.evaluate((data) => {
      const channel = new BroadcastChannel("openrouter-connect");
      channel.postMessage({ ...data, attemptId: "fedcba9876543210fedcba98" });
      channel.close();
    }, message);
    await other.close();

    const own = new URL(demo.url).origin;
    const foreign = new URL(emulator.url).origin;
    await expect
      .poll(() => page.evaluate(() => [...(window as unknown as { __e2eSeen: string[] }).__e2eSeen].sort()))
      .toEqual(["channel", "channel", "channel", `message from ${foreign}`, `message from ${foreign}`, `message from ${foreign}`, `message from ${own}`].sort());
    // Still waiting: nothing exchanged, the popup open, the button busy with its Cancel.
    await page.waitForTimeout(600);
    expect(sent(), "no exchange request").toEqual([]);
    expect(exchanges(emulator).all).toEqual([]);
    expect(await statusLog(page, "popup")).toEqual(["opening", "awaiting-approval"]);
    await expect(statusRegion(page, "popup")).toHaveText("Waiting for your approval in the OpenRouter window…");
    await expect(section(page, "popup").getByRole("button", { name: "Cancel" })).toBeVisible();
    expect(popup.isClosed()).toBe(false);

    // The real approval completes, with its own code, once.
    await approveAndConnect(page, popup, "popup");
    const code = lastCode(emulator);
    expect(code).not.toBe(foreignCode);
    expect(exchangesOf(emulator, code).map((e) => e.outcome)).toEqual(["ok"]);
    expect(exchangesOf(emulator, foreignCode)).toEqual([]);
    await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(1);
    expect(sent()[0]?.postDataJSON()).toMatchObject({ code });
    await expect(page.getByTestId("popup-key")).toHaveText(maskKey(exchangesOf(emulator, code)[0]?.key as string));
    await expectNoSecretsInStorage(page, emulator);
    await expectNoAttemptLeft(page);
  });
});

test.describe("a code past its lifetime", () => {
  test("pasted after the emulator's clock passed 10 minutes: code_expired, then a fresh code succeeds", async ({ page, clocked, harness }) => {
    const { emulator } = clocked;
    const url = await harness({
      authUrl: emulator.authUrl,
      baseUrl: emulator.apiBaseUrl,
      buttons: [{ flow: "paste", label: "Connect with a code", props: { mode: "paste", keyLabel: "e2e expiry" } }],
    });
    const sent = watchExchangeRequests(page, emulator);
    await page.goto(url);
    const paste = section(page, "paste");
    const approve = async () => {
      const tab = await clickForPopup(page, paste.getByRole("button", { name: "Connect with a code" }));
      await tab.getByRole("button", { name: "Approve" }).click();
      await expect(tab.getByText(`It works once, within ${Math.round(emulator.app.codeTtlMs / 60_000)} minutes.`)).toBeVisible();
      const code = ((await tab.locator("output#code").textContent()) ?? "").trim();
      await tab.close();
      return code;
    };
    const submit = async (code: string) => {
      await paste.getByLabel("Paste the code from OpenRouter").fill(code);
      await paste.getByRole("button", { name: "Submit code" }).click();
    };

    const stale = await approve();
    clocked.advance(emulator.app.codeTtlMs); // the user comes back to paste it 10 minutes later
    await submit(stale);
    await expectLogEndsWith(page, "paste", ["exchanging", "error", "error: code_expired"]);
    await expect(statusRegion(page, "paste")).toHaveText("OpenRouter answered 403: Authorization code expired");
    expect(exchangesOf(emulator, stale).map((e) => e.outcome)).toEqual(["code_expired"]);
    await expectReady(page, "paste", "Connect with a code");
    await expectNoAttemptLeft(page);

    const fresh = await approve();
    await submit(fresh);
    await expectLogEndsWith(page, "paste", ["exchanging", "connected"]);
    expect(exchangesOf(emulator, fresh).map((e) => e.outcome)).toEqual(["ok"]);
    await expect(page.getByTestId("paste-key")).toHaveText(maskKey(exchangesOf(emulator, fresh)[0]?.key as string));
    await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(2);
    await expectNoSecretsInStorage(page, emulator);
    await expectNoAttemptLeft(page);
  });
});
