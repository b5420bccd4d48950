// Issue 6, "Faults and bad input", in every engine against the emulator's fault injection: every
// failure ends in its error code and message (the button's live region and the page's log), the
// button is ready again, a new attempt succeeds, no attempt is left in storage, and no exchange is
// ever sent twice. One table, one row a fault; each row runs the same checks in its own test.
import type { RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import type { RunningDemoServer } from "../../scripts/demo-server.js";
import { defaultMessages } from "../../src/core/messages.js";
import type { OpenRouterAuthErrorCode } from "../../src/core/errors.js";
import { exchanges, expectCleanUrl, expectLogEndsWith, expectNoSecretsInStorage, lastErrorDetail, maskKey, section, statusLog, type Network, type Window } from "./fixtures.js";
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
  type ClockedEmulator,
  type HarnessConfig,
} from "./support-faults.js";

type FaultFlow = "popup" | "redirect" | "paste";
type Decision = "Approve" | "Deny";

/** The page a row's test opens and the emulator behind it. */
interface Env {
  url: string;
  emulator: RunningOpenRouterEmulator;
  /** Moves the emulator's clock forward (only the clocked emulator's moves). */
  advance: (ms: number) => void;
}

interface Fixtures {
  demo: RunningDemoServer;
  emulator: RunningOpenRouterEmulator;
  harness: (config: HarnessConfig) => Promise<string>;
  clocked: ClockedEmulator;
}

const fixedClock = () => {
  throw new Error("only the clocked emulator's clock moves: open the row with onHarness(..., { clocked: true })");
};

/** The demo, on the worker's emulator. */
const onDemo = async ({ demo, emulator }: Fixtures): Promise<Env> => ({ url: demo.url, emulator, advance: fixedClock });

/** The harness page, for props the demo does not expose; on the clocked emulator if asked. */
function onHarness(config: Omit<HarnessConfig, "authUrl" | "baseUrl">, { clocked = false } = {}) {
  return async (fixtures: Fixtures): Promise<Env> => {
    const emulator = clocked ? fixtures.clocked.emulator : fixtures.emulator;
    const url = await fixtures.harness({ authUrl: emulator.authUrl, baseUrl: emulator.apiBaseUrl, ...config });
    return { url, emulator, advance: clocked ? fixtures.clocked.advance : fixedClock };
  };
}

/**
 * How the user goes through one attempt of each flow, up to the point the page has what it needs
 * (a decision, a code). `arm` runs just before the code can reach the exchange: the one moment at
 * which a fault on the exchange, or a clock moved past a code's lifetime, hits every flow alike.
 */
const FLOWS: Record<FaultFlow, { label: string; reloads?: boolean; attempt(page: Window, env: Env, decision: Decision, arm: () => void): Promise<void> }> = {
  popup: {
    label: "Connect OpenRouter",
    async attempt(page, _env, decision, arm) {
      const popup = await clickForPopup(page, section(page, "popup").getByRole("button", { name: this.label }));
      arm();
      await decideInPopup(popup, decision);
      await expect.poll(() => popup.isClosed(), { message: "the popup closes" }).toBe(true);
    },
  },
  redirect: {
    label: "Connect in this tab",
    // The way back loads the app's page again, and with it an empty status log.
    reloads: true,
    async attempt(page, { url, emulator }, decision, arm) {
      await section(page, "redirect").getByRole("button", { name: this.label }).click();
      await page.waitForURL((at) => at.href.startsWith(`${emulator.authUrl}?`));
      arm();
      await page.getByRole("button", { name: decision }).click();
      await page.waitForURL((at) => at.origin === new URL(url).origin);
    },
  },
  paste: {
    label: "Connect with a code",
    async attempt(page, { emulator }, decision, arm) {
      const paste = section(page, "paste");
      const tab = await clickForPopup(page, paste.getByRole("button", { name: this.label }));
      await tab.getByRole("button", { name: decision }).click();
      await expect(tab.getByText(new RegExp(`It works once, within ${Math.round(emulator.app.codeTtlMs / 60_000)} minutes\\.`))).toBeVisible();
      const code = ((await tab.locator("output#code").textContent()) ?? "").trim();
      await tab.close();
      arm();
      await paste.getByLabel("Paste the code from OpenRouter").fill(code);
      await paste.getByRole("button", { name: "Submit code" }).click();
    },
  },
};

interface Fault {
  name: string;
  flow: FaultFlow;
  /** The page and emulator; default the demo. */
  open?: (fixtures: Fixtures) => Promise<Env>;
  /** Causes the fault (see FLOWS). */
  arm: (env: Env) => void;
  /** What the user does on the consent page; default "Approve". */
  decision?: Decision;
  code: OpenRouterAuthErrorCode;
  /** The developer's detail onError gets (`error.message`); the user sees `defaultMessages[code]`. */
  message: string | ((emulator: RunningOpenRouterEmulator) => string);
  /** Exchange requests the page sends in the failed attempt (never more than one: no retry); default 1. */
  sent?: number;
  /** Exchange requests the emulator receives in the failed attempt: at least, at most; default `sent` exactly. */
  posts?: [number, number];
  /** The outcomes of the exchanges the emulator ran in the failed attempt, where they are certain. */
  exchanged?: string[];
  /** A deadline: the failure shows within this many ms of the click, and the late exchange request is cancelled. */
  deadline?: number;
}

const failNext = (status: number, message?: string) => ({ emulator }: Env) => emulator.faults.failNext("exchange", { status, message });
const notJson = ({ emulator }: Env) => emulator.faults.malformedNext("exchange");
const late = ({ emulator }: Env) => emulator.faults.delay("exchange", 30_000);

const FAULTS: Fault[] = [
  // A fault answered before the emulator runs the exchange leaves the code unused (`exchanged: []`);
  // a dropped or garbled answer comes after it ran.
  { flow: "popup", name: "the exchange answers 500", arm: failNext(500), code: "server_error", message: "OpenRouter answered 500: Internal Server Error", exchanged: [] },
  {
    // Chromium resends a POST once, on its own, when a reused keep-alive connection dies before
    // any answer byte (the page sees one request): a single drop would reach the app as the
    // resend's 403 for the code the first request used up. Dropping both answers shows what a
    // lost connection looks like to the page. Whether the resend comes decides what the emulator ran.
    flow: "popup",
    name: "the connection drops",
    arm: ({ emulator }) => emulator.faults.dropNext("exchange", 2),
    code: "network_error",
    message: (emulator) => `Could not reach ${emulator.url}.`,
    posts: [1, 2], // the page's one request and Chromium's resend
  },
  { flow: "popup", name: "the body is not JSON", arm: notJson, code: "invalid_response", message: "OpenRouter's answer (HTTP 200) was not JSON.", exchanged: ["ok"] },
  // OpenRouter's exact answer for a code past its 10 minutes (the real expiry: the last row).
  { flow: "popup", name: "the code has expired", arm: failNext(403, "Authorization code expired"), code: "code_expired", message: "OpenRouter answered 403: Authorization code expired", exchanged: [] },
  { flow: "popup", name: "the user denies", arm: () => {}, decision: "Deny", code: "access_denied", message: "You declined the request on OpenRouter.", sent: 0, exchanged: [] },
  {
    flow: "popup",
    name: "an exchange answered after the attempt's timeoutMs",
    open: onHarness({ buttons: [{ flow: "popup", props: { timeoutMs: 4000 } }] }),
    arm: late,
    code: "timeout",
    message: "No answer within 4 s; please try again.",
    exchanged: [],
    deadline: 8000,
  },
  {
    flow: "popup",
    name: "an exchange answered after the client's per-request timeoutMs",
    open: onHarness({ clientTimeoutMs: 2000, buttons: [{ flow: "popup" }] }),
    arm: late,
    code: "timeout",
    message: "OpenRouter did not answer within 2000 ms.",
    exchanged: [],
    deadline: 8000,
  },
  { flow: "redirect", name: "the exchange answers 500 on the way back", arm: failNext(500), code: "server_error", message: "OpenRouter answered 500: Internal Server Error", exchanged: [] },
  { flow: "paste", name: "the exchange answers with HTML", arm: notJson, code: "invalid_response", message: "OpenRouter's answer (HTTP 200) was not JSON.", exchanged: ["ok"] },
  {
    flow: "paste",
    name: "pasted after the emulator's clock passed 10 minutes",
    open: onHarness(
      { buttons: [{ flow: "paste", label: "Connect with a code", props: { mode: "paste", keyLabel: "e2e expiry" } }] },
      { clocked: true },
    ),
    // The user comes back to paste the code 10 minutes later.
    arm: ({ emulator, advance }) => advance(emulator.app.codeTtlMs),
    code: "code_expired",
    message: "OpenRouter answered 403: Authorization code expired",
    exchanged: ["code_expired"],
  },
];

const errorsLogged = async (page: Window, flow: FaultFlow) => (await statusLog(page, flow)).filter((text) => text.startsWith("error: "));

/** An attempt that ends in `fault`, checked from the user's side. */
async function failOnce(page: Window, env: Env, fault: Fault, sent: () => unknown[], network: Network): Promise<void> {
  const { flow } = fault;
  const { emulator } = env;
  const requests = fault.sent ?? 1;
  const startedAt = Date.now();
  await FLOWS[flow].attempt(page, env, fault.decision ?? "Approve", () => fault.arm(env));

  await expectLogEndsWith(page, flow, [...(requests > 0 ? ["exchanging"] : []), "error", `error: ${fault.code}`], fault.deadline);
  if (fault.deadline) expect(Date.now() - startedAt, "ends at the deadline, not at the answer").toBeLessThan(fault.deadline);
  const region = statusRegion(page, flow);
  // The user reads the text for the error's code; the developer's detail went to onError.
  await expect(region).toHaveText(defaultMessages[fault.code]);
  expect(await lastErrorDetail(page, flow)).toBe(typeof fault.message === "string" ? fault.message : fault.message(emulator));
  await expect(region).toHaveAttribute("aria-live", "polite");
  const button = await expectReady(page, flow, FLOWS[flow].label);
  await expect(button).toHaveAttribute("aria-describedby", (await region.getAttribute("id")) as string);
  await expect(section(page, flow).getByLabel("Paste the code from OpenRouter")).toHaveCount(0);
  await expect(page.getByTestId(`${flow}-key`)).toHaveText("No key yet.");
  expect(await errorsLogged(page, flow), "one failure reported, once").toEqual([`error: ${fault.code}`]);
  // Only the button that started it reports it.
  for (const other of ["popup", "redirect", "paste", "persisted"] as const) if (other !== flow) expect(await statusLog(page, other)).toEqual([]);

  await expect.poll(() => sent().length, { message: "exchange requests the page sent, never retried" }).toBe(requests);
  const [least, most] = fault.posts ?? [requests, requests];
  expect(exchangePosts(emulator).length).toBeGreaterThanOrEqual(least);
  expect(exchangePosts(emulator).length).toBeLessThanOrEqual(most);
  if (fault.exchanged) expect(exchanges(emulator).all.map((e) => e.outcome)).toEqual(fault.exchanged);
  // A late request is cancelled (the browser gave up on it, the proxy saw it go), so the emulator
  // never runs it and the code stays unused.
  if (fault.deadline) {
    // (Of the API's requests: a popup closing itself may also abandon its favicon.)
    const abandoned = () => network.requests().filter((r) => r.outcome === "aborted" && r.url.startsWith(emulator.apiBaseUrl)).map((r) => `${r.method} ${r.url}`);
    await expect.poll(abandoned).toEqual([`POST ${emulator.apiBaseUrl}/auth/keys`]);
  }
  emulator.faults.clear();
  await expectCleanUrl(page);
  await expectNoSecretsInStorage(page, emulator);
  await expectNoAttemptLeft(page);
}

/** The new attempt after `fault`: a new code, exchanged exactly once, and nothing left behind. */
async function succeedAfter(page: Window, env: Env, fault: Fault, sent: () => unknown[]): Promise<void> {
  const { flow } = fault;
  const { emulator } = env;
  await FLOWS[flow].attempt(page, env, "Approve", () => {});
  await expectLogEndsWith(page, flow, ["exchanging", "connected"]);
  const code = lastCode(emulator);
  const [exchange, ...others] = exchangesOf(emulator, code);
  expect(others, "the new code was exchanged once").toEqual([]);
  expect(exchange?.outcome).toBe("ok");
  if (fault.exchanged) expect(exchanges(emulator).all.map((e) => e.outcome), "the failed attempt's code was not exchanged again").toEqual([...fault.exchanged, "ok"]);
  await expect(page.getByTestId(`${flow}-key`)).toHaveText(maskKey(exchange?.key as string));
  await expect(statusRegion(page, flow)).toHaveText("Connected to OpenRouter.");
  await expect.poll(() => sent().length, { message: "one more exchange request" }).toBe((fault.sent ?? 1) + 1);
  expect(emulator.codesIssued()).toHaveLength(fault.decision === "Deny" ? 1 : 2);
  await expectCleanUrl(page);
  await expectNoSecretsInStorage(page, emulator);
  await expectNoAttemptLeft(page);
  expect(await errorsLogged(page, flow), "no failure reported again").toEqual(FLOWS[flow].reloads ? [] : [`error: ${fault.code}`]);
}

test.describe("after a fault", () => {
  for (const fault of FAULTS) {
    test(`${fault.flow}: ${fault.name}: ${fault.code}, then a new attempt succeeds`, async ({ page, demo, emulator, network, harness, clocked }) => {
      const env = await (fault.open ?? onDemo)({ demo, emulator, harness, clocked });
      const sent = watchExchangeRequests(network, env.emulator);
      await page.goto(env.url);
      await failOnce(page, env, fault, sent, network);
      await succeedAfter(page, env, fault, sent);
    });
  }
});

test.describe("messages that are not the approval", () => {
  test("from another origin, from a window that is not the popup, or for another attempt: ignored; the approval still completes", async ({
    page,
    session,
    demo,
    emulator,
    network,
  }) => {
    const sent = watchExchangeRequests(network, emulator);
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
    // 2. A frame of another origin inside the app's page: a page on the emulator's origin (served
    // by the proxy in the emulator's name) that posts the message in the hash to its parent.
    const framePath = "/__e2e__/post-to-parent";
    network.route(({ url }) =>
      url.origin === new URL(emulator.url).origin && url.pathname === framePath
        ? {
            status: 200,
            headers: { "Content-Type": "text/html; charset=utf-8" },
            body: "<!doctype html><title>frame</title><script>parent.postMessage(JSON.parse(decodeURIComponent(location.hash.slice(1))), '*');</script>",
          }
        : undefined,
    );
    await page.evaluate(async (src) => {
      const frame = document.createElement("iframe");
      frame.src = src;
      const loaded = new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
      document.body.append(frame);
      await loaded;
    }, `${emulator.url}${framePath}#${encodeURIComponent(JSON.stringify(message))}`);
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
    const other = await session.newWindow();
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
    expect(await popup.isClosed()).toBe(false);

    // The real approval completes, with its own code, once.
    await approveAndConnect(page, popup, "popup");
    const code = lastCode(emulator);
    expect(code).not.toBe(foreignCode);
    expect(exchangesOf(emulator, code).map((e) => e.outcome)).toEqual(["ok"]);
    expect(exchangesOf(emulator, foreignCode)).toEqual([]);
    await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(1);
    expect(sent()[0]?.json()).toMatchObject({ code });
    await expect(page.getByTestId("popup-key")).toHaveText(maskKey(exchangesOf(emulator, code)[0]?.key as string));
    await expectNoSecretsInStorage(page, emulator);
    await expectNoAttemptLeft(page);
  });
});
