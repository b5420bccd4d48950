// Issue 7, in every engine: the balance after a minted connect, the app's mint route refusing what its
// policy does not allow, and the paste flow end to end with wrong and reused codes.
import type { RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { defaultMessages } from "../../src/core/messages.js";
import { exchanges, expectLogEndsWith, expectNoSecretsInStorage, lastErrorDetail, maskKey, section, statusLog, type Window } from "./fixtures.js";
import {
  clickForPopup,
  exchangePosts,
  exchangesOf,
  expect,
  expectNoAttemptLeft,
  expectReady,
  mintForeignCode,
  s256,
  statusRegion,
  test,
  watchExchangeRequests,
} from "./support-faults.js";

const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"; // RFC 7636 Appendix B

test.describe("the minted button, through the app's mint route", () => {
  test("a persisted minted button with showBalance shows the limit left; the key stays across a reload", async ({ page, session, emulator, network, harness, windowOpens }) => {
    const url = await harness({
      authUrl: emulator.authUrl,
      baseUrl: emulator.apiBaseUrl,
      mintUrl: "/api/mint",
      buttons: [{ flow: "minted", label: "Mint a key", props: { mint: { limit: 7.25, keyLabel: "e2e minted" }, persist: "local", showBalance: true } }],
    });
    const sent = watchExchangeRequests(network, emulator);
    await page.goto(url);
    const minted = section(page, "minted");
    await minted.getByRole("button", { name: "Mint a key" }).click();

    await expect(minted.getByRole("button", { name: /^Connected · \$7\.25 left$/ })).toBeVisible();
    await expectLogEndsWith(page, "minted", ["opening", "exchanging", "connected"]);
    expect(await windowOpens(), "no window opens").toEqual([]);
    expect(await session.windows()).toHaveLength(1);
    const [issued, ...more] = emulator.codesIssued();
    expect(more).toEqual([]);
    expect(issued).toMatchObject({ source: "minted", limit: 7.25, keyLabel: "e2e minted", codeChallengeMethod: "S256", callbackUrl: url });
    const [exchange, ...others] = exchanges(emulator).all;
    expect(others, "exactly one exchange").toEqual([]);
    expect(exchange).toMatchObject({ code: issued?.code, outcome: "ok" });
    await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(1);
    const key = exchange?.key as string;
    await expect(page.getByTestId("minted-key")).toHaveText(maskKey(key));
    expect(await page.evaluate(() => localStorage.getItem("openrouter-connect:key"))).toBe(key);
    // Minted by the app's route (which holds the app's key), and the balance asked of GET /key.
    const requests = network.requests().map((request) => `${request.method} ${request.url}`);
    expect(requests).toContain(`POST ${new URL(url).origin}/api/mint`);
    expect(requests.filter((r) => r.includes(`${emulator.apiBaseUrl}/auth/keys/code`))).toEqual([]);
    expect(requests).toContain(`GET ${emulator.apiBaseUrl}/key`);
    await expectNoSecretsInStorage(page, emulator, { allow: ["openrouter-connect:key"], allowKey: true });
    await expectNoAttemptLeft(page, { allow: ["openrouter-connect:key"] });

    await page.reload();
    await expect(minted.getByRole("button", { name: /^Connected · \$7\.25 left$/ })).toBeVisible();
    await minted.getByRole("button", { name: "Disconnect" }).click();
    await expectReady(page, "minted", "Mint a key");
    expect(await page.evaluate(() => localStorage.getItem("openrouter-connect:key"))).toBeNull();
    expect(exchanges(emulator).all).toHaveLength(1);
  });

  test("a minted connect without a limit gets the route's maximum, and shows it", async ({ page, emulator, harness }) => {
    const url = await harness({
      authUrl: emulator.authUrl,
      baseUrl: emulator.apiBaseUrl,
      mintUrl: "/api/mint",
      buttons: [{ flow: "minted", label: "Mint a key", props: { mint: {}, persist: "session", showBalance: true } }],
    });
    await page.goto(url);
    await section(page, "minted").getByRole("button", { name: "Mint a key" }).click();
    await expect(section(page, "minted").getByRole("button", { name: /^Connected · \$100\.00 left$/ })).toBeVisible();
    expect(emulator.codesIssued()[0]).toMatchObject({ source: "minted", limit: 100, keyLabel: "openrouter-connect demo" });
    expect(exchanges(emulator).all.map((e) => e.outcome)).toEqual(["ok"]);
  });

  test("a minted request over the route's policy: invalid_request from the button, no code, no exchange", async ({ page, emulator, harness }) => {
    const url = await harness({
      authUrl: emulator.authUrl,
      baseUrl: emulator.apiBaseUrl,
      mintUrl: "/api/mint",
      buttons: [{ flow: "minted", label: "Mint a key", props: { mint: { limit: 250 } } }],
    });
    await page.goto(url);
    await section(page, "minted").getByRole("button", { name: "Mint a key" }).click();
    await expectLogEndsWith(page, "minted", ["opening", "error", "error: invalid_request"]);
    await expect(statusRegion(page, "minted")).toHaveText(defaultMessages.invalid_request);
    expect(await lastErrorDetail(page, "minted")).toBe("OpenRouter answered 400: Invalid request: limit: must be at most 100 (this app's maximum)");
    await expectReady(page, "minted", "Mint a key");
    expect(emulator.codesIssued()).toEqual([]);
    expect(exchanges(emulator).all).toEqual([]);
    await expectNoAttemptLeft(page);
  });
  test("OpenRouter fails behind the route: server_error from the button, nothing exchanged; a new attempt mints and connects", async ({
    page,
    emulator,
    harness,
  }) => {
    const url = await harness({
      authUrl: emulator.authUrl,
      baseUrl: emulator.apiBaseUrl,
      mintUrl: "/api/mint",
      buttons: [{ flow: "minted", label: "Mint a key", props: { mint: { limit: 2 } } }],
    });
    await page.goto(url);
    const button = section(page, "minted").getByRole("button", { name: "Mint a key" });
    emulator.faults.failNext("code", { status: 500 });
    await button.click();
    await expectLogEndsWith(page, "minted", ["opening", "error", "error: server_error"]);
    await expect(statusRegion(page, "minted")).toHaveText(defaultMessages.server_error);
    expect(await lastErrorDetail(page, "minted")).toBe("OpenRouter answered 502: OpenRouter failed to create an authorization code (HTTP 500).");
    await expectReady(page, "minted", "Mint a key");
    expect(emulator.codesIssued()).toEqual([]);
    expect(exchanges(emulator).all).toEqual([]);
    await expectNoAttemptLeft(page);

    await button.click();
    await expectLogEndsWith(page, "minted", ["opening", "exchanging", "connected"]);
    const [issued, ...more] = emulator.codesIssued();
    expect(more).toEqual([]);
    expect(exchangesOf(emulator, issued?.code as string).map((e) => e.outcome)).toEqual(["ok"]);
    expect(exchanges(emulator).all).toHaveLength(1);
    await expectNoSecretsInStorage(page, emulator);
    await expectNoAttemptLeft(page);
  });
});

test.describe("the app's mint route", () => {
  function body(demoUrl: string, extra: Record<string, unknown> = {}) {
    return { callback_url: `${demoUrl}/`, code_challenge: s256(VERIFIER), code_challenge_method: "S256", ...extra };
  }

  async function post(demo: { url: string }, headers: Record<string, string>, data: unknown) {
    const response = await fetch(`${demo.url}/api/mint`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(data) });
    return { status: response.status, body: (await response.json()) as { error?: { code: number; message: string; metadata?: unknown }; data?: { id: string } } };
  }

  /** A session of the demo's, as its page gets one: the cookie its HTML answer sets. */
  async function demoSession(demo: { url: string }): Promise<string> {
    const answer = await fetch(`${demo.url}/`, { headers: { Accept: "text/html" } });
    await answer.arrayBuffer();
    const [cookie, ...more] = answer.headers.getSetCookie();
    expect(more).toEqual([]);
    expect(cookie).toMatch(/^orc_demo_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    return (cookie as string).split(";")[0] as string;
  }

  function noCodeMinted(emulator: RunningOpenRouterEmulator) {
    expect(emulator.codesIssued()).toEqual([]);
    expect(emulator.app.requests().filter((r) => r.route === "code")).toEqual([]);
  }

  test("refuses a limit above policy, a foreign Origin and a request without the demo's session; mints within policy", async ({ demo, emulator }) => {
    const own = { Origin: new URL(demo.url).origin };
    const session = { Cookie: await demoSession(demo) };

    const over = await post(demo, { ...own, ...session }, body(demo.url, { limit: 100.01 }));
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({
      code: 400,
      message: "Invalid request: limit: must be at most 100 (this app's maximum)",
      metadata: { issues: [{ path: ["limit"], message: "must be at most 100 (this app's maximum)" }] },
    });

    // The Origin is checked first: a session of the demo's does not let another site's page in.
    const foreign = await post(demo, { Origin: "https://evil.example", ...session }, body(demo.url, { limit: 1 }));
    expect(foreign).toEqual({ status: 403, body: { error: { code: 403, message: "Requests from this origin may not mint keys." } } });

    // Without the session cookie nobody vouches for the caller: the demo's own Origin, no Origin
    // at all (not a browser), or a bearer key of the caller's own (the route uses only its own).
    const notAllowed = { status: 403, body: { error: { code: 403, message: "Not allowed." } } };
    expect(await post(demo, own, body(demo.url, { limit: 1 }))).toEqual(notAllowed);
    expect(await post(demo, {}, body(demo.url, { limit: 1 }))).toEqual(notAllowed);
    expect(await post(demo, { Authorization: `Bearer ${emulator.apiKey}` }, body(demo.url, { limit: 1 }))).toEqual(notAllowed);
    // A token the demo never issued is no session either.
    expect(await post(demo, { ...own, Cookie: "orc_demo_session=forged" }, body(demo.url, { limit: 1 }))).toEqual(notAllowed);
    noCodeMinted(emulator);

    const ok = await post(demo, { ...own, ...session }, body(demo.url, { limit: 100 }));
    expect(ok.status).toBe(200);
    expect(ok.body.data?.id).toMatch(/^auth_code_/);
    expect(emulator.codesIssued()).toMatchObject([{ code: ok.body.data?.id, source: "minted", limit: 100, keyLabel: "openrouter-connect demo" }]);
    expect(JSON.stringify(ok.body)).not.toContain(emulator.apiKey);
  });

  test("a page of another origin cannot mint through it, with or without CORS", async ({ page, demo, emulator, network }) => {
    const statuses = () => network.requests().flatMap((request) => (request.url === `${demo.url}/api/mint` && request.status !== undefined ? [request.status] : []));
    // The emulator's origin stands in for another site in the same browser.
    await page.goto(`${emulator.url}/not-a-page`);
    const outcome = await page.evaluate(
      async ({ url, data }) => {
        const results: string[] = [];
        try {
          await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data) });
          results.push("cors: read");
        } catch {
          results.push("cors: blocked");
        }
        const opaque = await fetch(url, { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body: JSON.stringify(data) });
        results.push(`no-cors: ${opaque.type}`);
        return results;
      },
      { url: `${demo.url}/api/mint`, data: body(demo.url, { limit: 1 }) },
    );
    expect(outcome).toEqual(["cors: blocked", "no-cors: opaque"]);
    // The simple request reached the route and was refused for its Origin.
    await expect.poll(statuses).toContain(403);
    noCodeMinted(emulator);
  });

  test("the demo's own form mints through it: one code, one exchange", async ({ page, demo, emulator }) => {
    await page.goto(demo.url);
    const minted = section(page, "minted");
    await minted.getByLabel("Credit limit (USD)").fill("3");
    await minted.getByRole("button", { name: "Create key" }).click();
    await expectLogEndsWith(page, "minted", ["creating code", "exchanging", "connected"]);
    const [issued, ...more] = emulator.codesIssued();
    expect(more).toEqual([]);
    expect(issued).toMatchObject({ source: "minted", limit: 3 });
    expect(exchangesOf(emulator, issued?.code as string).map((e) => e.outcome)).toEqual(["ok"]);
    expect(exchanges(emulator).all).toHaveLength(1);
    await expect(page.getByTestId("minted-key")).toHaveText(maskKey(exchanges(emulator).ok[0]?.key as string));
    await expectNoSecretsInStorage(page, emulator);
  });
});

test.describe("paste flow: what the user pastes", () => {
  /** Starts a paste attempt, approves in the new tab and returns the code OpenRouter shows there. */
  async function approveInTab(page: Window): Promise<string> {
    // After a success the button reads "Connected"; a click still starts a new attempt.
    const tab = await clickForPopup(page, section(page, "paste").getByRole("button", { name: /^(Connect with a code|Connected)$/ }));
    await tab.getByRole("button", { name: "Approve" }).click();
    const code = ((await tab.locator("output#code").textContent()) ?? "").trim();
    expect(code).toMatch(/^auth_code_/);
    await tab.close();
    return code;
  }

  async function submit(page: Window, text: string): Promise<void> {
    const paste = section(page, "paste");
    await paste.getByLabel("Paste the code from OpenRouter").fill(text);
    await paste.getByRole("button", { name: "Submit code" }).click();
  }

  test("approve in the second tab, paste the code shown there: key reported, exactly one exchange", async ({ page, demo, emulator, network }) => {
    const sent = watchExchangeRequests(network, emulator);
    await page.goto(demo.url);
    const code = await approveInTab(page);
    await expect(statusRegion(page, "paste")).toHaveText("Approve on OpenRouter, then paste the code it shows.");
    await submit(page, `\t${code} \n`);
    await expectLogEndsWith(page, "paste", ["opening", "awaiting-approval", "exchanging", "connected"]);
    const [exchange, ...others] = exchanges(emulator).all;
    expect(others).toEqual([]);
    expect(exchange).toMatchObject({ code, outcome: "ok" });
    await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(1);
    expect(sent().map((request) => (request.json() as { code: string }).code)).toEqual([code]);
    await expect(page.getByTestId("paste-key")).toHaveText(maskKey(exchange?.key as string));
    await expect(statusRegion(page, "paste")).toHaveText("Connected to OpenRouter.");
    await expect(section(page, "paste").getByLabel("Paste the code from OpenRouter")).toHaveCount(0);
    expect(emulator.codesIssued()).toMatchObject([{ code, source: "consent", callbackUrl: null, keyLabel: "openrouter-connect demo (pasted)" }]);
    await expectNoSecretsInStorage(page, emulator);
    await expectNoAttemptLeft(page);
  });

  for (const wrong of [
    { name: "a code OpenRouter never issued", code: () => Promise.resolve("auth_code_never_issued_by_anyone_00000000") },
    {
      name: "a real code of another attempt",
      code: (emulator: RunningOpenRouterEmulator, demoUrl: string) => mintForeignCode(emulator, `${demoUrl}/`),
    },
  ]) {
    test(`a pasted wrong code (${wrong.name}): invalid_code; a new attempt then succeeds`, async ({ page, demo, emulator, network }) => {
      const sent = watchExchangeRequests(network, emulator);
      await page.goto(demo.url);
      const shown = await approveInTab(page);
      const code = await wrong.code(emulator, demo.url);
      await submit(page, code);
      await expectLogEndsWith(page, "paste", ["exchanging", "error", "error: invalid_code"]);
      await expect(statusRegion(page, "paste")).toHaveText(defaultMessages.invalid_code);
      expect(await lastErrorDetail(page, "paste")).toBe("OpenRouter answered 403: Invalid code or code_verifier");
      await expectReady(page, "paste", "Connect with a code");
      expect(exchangePosts(emulator)).toHaveLength(1);
      expect(exchanges(emulator).all).toMatchObject([{ code, outcome: "invalid_code" }]);
      expect(exchangesOf(emulator, shown), "the code shown was not sent").toEqual([]);
      await expectNoAttemptLeft(page);

      const next = await approveInTab(page);
      await submit(page, next);
      await expectLogEndsWith(page, "paste", ["exchanging", "connected"]);
      expect(exchangesOf(emulator, next).map((e) => e.outcome)).toEqual(["ok"]);
      await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(2);
      await expect(page.getByTestId("paste-key")).toHaveText(maskKey(exchangesOf(emulator, next)[0]?.key as string));
      await expectNoAttemptLeft(page);
    });
  }

  test("pasted text that is no code at all: invalid_request, nothing sent", async ({ page, demo, emulator, network }) => {
    const sent = watchExchangeRequests(network, emulator);
    await page.goto(demo.url);
    await approveInTab(page);
    await submit(page, "two words");
    await expectLogEndsWith(page, "paste", ["awaiting-approval", "error", "error: invalid_request"]);
    await expect(statusRegion(page, "paste")).toHaveText(defaultMessages.invalid_request);
    expect(await lastErrorDetail(page, "paste")).toBe("Invalid request: code: must be 1-512 characters without whitespace");
    await expectReady(page, "paste", "Connect with a code");
    expect(sent()).toEqual([]);
    expect(exchangePosts(emulator)).toEqual([]);
  });

  test("a code pasted again after it was used: its error code, and the first key stays the only one", async ({ page, demo, emulator, network }) => {
    const sent = watchExchangeRequests(network, emulator);
    await page.goto(demo.url);
    const code = await approveInTab(page);
    await submit(page, code);
    await expectLogEndsWith(page, "paste", ["exchanging", "connected"]);
    const first = exchanges(emulator).ok[0]?.key as string;

    // The same code in a new attempt of the same page (a user pasting from the clipboard again).
    await approveInTab(page);
    await submit(page, code);
    await expectLogEndsWith(page, "paste", ["exchanging", "error", "error: invalid_code"]);
    await expect(statusRegion(page, "paste")).toHaveText(defaultMessages.invalid_code);
    expect(await lastErrorDetail(page, "paste")).toBe("OpenRouter answered 403: Invalid code or code_verifier");
    await expect(page.getByTestId("paste-key")).toHaveText(maskKey(first));
    await expectReady(page, "paste", "Connect with a code");

    // And after a reload (nothing of the first attempt left in the page).
    await page.reload();
    await approveInTab(page);
    await submit(page, code);
    await expectLogEndsWith(page, "paste", ["exchanging", "error", "error: invalid_code"]);
    expect(exchangesOf(emulator, code).map((e) => e.outcome)).toEqual(["ok", "invalid_code", "invalid_code"]);
    expect(exchanges(emulator).ok, "one key in all").toHaveLength(1);
    await expect.poll(() => sent().length, { message: "exchange requests the page sent" }).toBe(3);
    expect((await statusLog(page, "paste")).filter((text) => text === "connected")).toEqual([]);
    await expectNoSecretsInStorage(page, emulator);
    await expectNoAttemptLeft(page);
  });
});
