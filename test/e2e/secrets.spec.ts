// Issues 6 and 12: the key, the verifier and the demo's session never show where they do not
// belong. One test watches every page of the browser (popups and tabs included) through the popup,
// redirect, minted, paste and key-on-the-server flows: console, every URL visited or requested,
// every request's headers and body, every answer the browser got, every storage write, the DOM
// (watched from each document's first node for anything key-shaped) and the cookies. Another
// makes the provider echo the secrets in an error. Then the key kept on the server (`exchangeUrl`,
// issue 12 §2): popup, redirect and minted through the demo's routes, one exchange each, the key
// stored by the server for this session and never in the browser.
import type { RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import type { RunningDemoServer } from "../../scripts/demo-server.js";
import type { BrowserSession, DomWatch } from "./engines/driver.js";
import { defaultMessages } from "../../src/core/messages.js";
import { exchanges, expectCleanUrl, expectLogEndsWith, expectNoSecretsInStorage, lastErrorDetail, maskKey, section, type Network, type Window } from "./fixtures.js";
import { clickForPopup, decideInPopup, dumpStorage, expect, expectNoAttemptLeft, s256, statusRegion, test, verifiersSeen } from "./support-faults.js";

/** The demo's session cookie (scripts/demo-server.ts): the one cookie anything may set or send. */
const SESSION_COOKIE = "orc_demo_session";
/** An OpenRouter key in full (a masked one, `sk-or-v1-…abcd`, does not match). */
const KEY_SHAPED: DomWatch = { name: "key-shaped", pattern: "sk-or-v1-[0-9a-f]{16}" };

interface Observed {
  console: string[];
  urls: string[];
  requests: Array<{ method: string; url: string; headers: Record<string, string>; body: string; status?: number; responseHeaders: Record<string, string>; responseBody: string }>;
  storageWrites: Array<{ area: string; origin: string; name: string; value: string }>;
  /** Key-shaped text that went into a document (the probe's DOM watch). */
  keyShapedInDom: unknown[];
}

/**
 * What every window of the test (popups and tabs included) did, as the recording proxy and the
 * page probes saw it: console lines and page errors, every URL visited or requested (the
 * address bar's too, as history changed it), every request with its headers and body and what
 * came back, every storage write.
 */
function observed(network: Network): Observed {
  const reports = network.reports();
  const requests = network.requests().map(({ method, url, headers, body, status, responseHeaders, responseBody }) => ({
    method,
    url,
    headers,
    body,
    status,
    responseHeaders: responseHeaders ?? {},
    responseBody: responseBody ?? "",
  }));
  return {
    console: reports.flatMap((r) => (r.kind === "console" ? [`${String(r.level)}: ${String(r.text)}`] : r.kind === "error" ? [`pageerror: ${String(r.message)}`] : [])),
    urls: [...requests.map((r) => r.url), ...reports.flatMap((r) => (r.kind === "url" ? [String(r.url)] : []))],
    requests,
    storageWrites: reports.flatMap((r) =>
      r.kind === "storage" ? [{ area: String(r.area), origin: String(r.origin), name: String(r.name), value: String(r.value) }] : [],
    ),
    keyShapedInDom: reports.filter((r) => r.kind === "dom" && r.name === KEY_SHAPED.name),
  };
}

/**
 * Cookies: the demo's session cookie is the only one anything sets or sends. It is set by the
 * demo's own pages only, HttpOnly and SameSite=Lax, and no script can read it. (The browser
 * sends it to the emulator too: cookies do not tell ports apart, and both listen on 127.0.0.1.
 * OpenRouter is another site and would never get it.) Returns the session tokens, secrets too.
 */
async function expectOnlyTheSessionCookie(network: Network, session: BrowserSession, demo: RunningDemoServer): Promise<string[]> {
  const tokens: string[] = [];
  const requests = network.requests();
  for (const request of requests) {
    const set = request.responseHeaders?.["set-cookie"];
    if (set === undefined) continue;
    expect({ url: request.url, demoPage: request.url.startsWith(`${demo.url}/`) && request.document }, "a cookie set by something else than the demo's pages").toEqual({
      url: request.url,
      demoPage: true,
    });
    const match = new RegExp(`^${SESSION_COOKIE}=([A-Za-z0-9_-]{43}); Path=/; HttpOnly; SameSite=Lax$`).exec(set);
    expect(match, `the demo's Set-Cookie: ${set.replace(/=[^;]*/, "=…")}`).not.toBeNull();
    tokens.push((match as RegExpExecArray)[1] as string);
  }
  expect(tokens.length, "the demo's page set its session cookie").toBeGreaterThan(0);
  for (const request of requests) {
    const cookie = request.headers.cookie;
    if (cookie === undefined) continue;
    const [name, value] = cookie.split("=", 2);
    expect({ name, known: tokens.includes(value ?? "") }, `the cookies sent to ${request.url}`).toEqual({ name: SESSION_COOKIE, known: true });
    expect(cookie).toBe(`${SESSION_COOKIE}=${value}`);
  }
  // HttpOnly, in every engine: no page of the test can read it.
  for (const window of await session.windows()) {
    if (!(await window.url()).startsWith(demo.url)) continue;
    expect(await window.evaluate(() => document.cookie), `document.cookie in ${await window.url()}`).toBe("");
  }
  return [...new Set(tokens)];
}

interface Allowed {
  /** The request (by its index in Observed.requests) may carry the value in its body. */
  requestBody?: (index: number) => boolean;
  /** The answer to the request may carry the value in its body. */
  responseBody?: (index: number) => boolean;
  /** Headers (request or answer, lower case) that may carry the value. */
  headers?: string[];
  /** Storage writes that may carry the value. */
  storageWrite?: (write: Observed["storageWrites"][number]) => boolean;
}

/** Not a byte of `value` anywhere in `seen` but where `allowed` says. */
function expectNowhere(seen: Observed, kind: string, value: string, allowed: Allowed = {}) {
  const headers = (all: Record<string, string>) => JSON.stringify(Object.entries(all).filter(([name]) => !allowed.headers?.includes(name)));
  for (const line of seen.console) expect(line, `the ${kind} in the console`).not.toContain(value);
  for (const url of seen.urls) {
    expect(url, `the ${kind} in a URL`).not.toContain(value);
    expect(decodeURIComponent(url), `the ${kind} in a URL`).not.toContain(value);
  }
  seen.requests.forEach((request, index) => {
    const where = `${request.method} ${request.url}`;
    expect(headers(request.headers), `the ${kind} in a header of ${where}`).not.toContain(value);
    if (!allowed.requestBody?.(index)) expect(request.body, `the ${kind} in the body of ${where}`).not.toContain(value);
    expect(headers(request.responseHeaders), `the ${kind} in a header of the answer to ${where}`).not.toContain(value);
    if (!allowed.responseBody?.(index)) expect(request.responseBody, `the ${kind} in the answer to ${where}`).not.toContain(value);
  });
  for (const write of seen.storageWrites) {
    if (!allowed.storageWrite?.(write)) expect(`${write.name}=${write.value}`, `the ${kind} written to ${write.area}Storage`).not.toContain(value);
  }
}

/** The session's token: in the cookie headers only (set by the demo's pages, sent back by the browser). */
const COOKIE_HEADERS: Allowed = { headers: ["cookie", "set-cookie"] };

/** JSON of a body, or undefined. */
function json(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Every open window's markup: nothing of `values` in it. */
async function expectNotInAnyPage(session: BrowserSession, values: Array<{ kind: string; value: string }>): Promise<void> {
  for (const window of await session.windows()) {
    const html = await window.content();
    for (const { kind, value } of values) expect(html, `the ${kind} in ${await window.url()}`).not.toContain(value);
  }
}

/** The answers of the test's browser carried no Content-Encoding: their bodies were read as sent. */
function expectPlainAnswers(seen: Observed): void {
  expect(seen.requests.filter((r) => r.responseHeaders["content-encoding"]).map((r) => r.url)).toEqual([]);
}

test.describe("secrets stay where they belong", () => {
  test("popup, redirect, minted, paste and key on the server: the key, the verifier and the session never reach the console, a URL, another request or answer, storage or the page", async ({
    page,
    session,
    demo,
    emulator,
    network,
  }) => {
    network.probe({ watchDom: [KEY_SHAPED] });
    await page.goto(demo.url);

    // Popup: storage while it waits holds the attempt id only.
    const popup = await clickForPopup(page, section(page, "popup").getByRole("button", { name: "Connect OpenRouter" }));
    await expect(popup.getByRole("button", { name: "Approve" })).toBeVisible();
    await expectLogEndsWith(page, "popup", ["awaiting-approval"]);
    for (const entry of await dumpStorage(page)) expect(`${entry.name}=${entry.value}`).not.toMatch(/[A-Za-z0-9._~-]{43,}/);
    await decideInPopup(popup, "Approve");
    await expectLogEndsWith(page, "popup", ["exchanging", "connected"]);
    await expect.poll(() => popup.isClosed()).toBe(true);

    // Key kept on the server: a popup, the code exchanged by the demo's route.
    const toServer = await clickForPopup(page, section(page, "server").getByRole("button", { name: "Connect, key on the server" }));
    await decideInPopup(toServer, "Approve");
    await expectLogEndsWith(page, "server", ["exchanging", "connected"]);
    await expect(page.getByTestId("server-key")).toHaveText(/^Stored on the server: sk-or-v1-…[0-9a-f]{4}$/);
    const shownByServer = await page.getByTestId("server-key").textContent(); // the redirect below reloads the page
    await expect.poll(() => toServer.isClosed()).toBe(true);

    // Redirect: away to the consent page and back.
    await section(page, "redirect").getByRole("button", { name: "Connect in this tab" }).click();
    await page.waitForURL((url) => url.href.startsWith(`${emulator.authUrl}?`));
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL((url) => url.origin === demo.url);
    await expectLogEndsWith(page, "redirect", ["exchanging", "connected"]);
    await expectCleanUrl(page);

    // Minted, through the app's route.
    await section(page, "minted").getByRole("button", { name: "Create key" }).click();
    await expectLogEndsWith(page, "minted", ["creating code", "exchanging", "connected"]);

    // Paste: the code travels through the user, not a URL.
    const tab = await clickForPopup(page, section(page, "paste").getByRole("button", { name: "Connect with a code" }));
    await tab.getByRole("button", { name: "Approve" }).click();
    const pasted = ((await tab.locator("output#code").textContent()) ?? "").trim();
    await tab.close();
    await section(page, "paste").getByLabel("Paste the code from OpenRouter").fill(pasted);
    await section(page, "paste").getByRole("button", { name: "Submit code" }).click();
    await expectLogEndsWith(page, "paste", ["exchanging", "connected"]);

    // What there was to keep secret: five keys (four the browser exchanged, one the server
    // did), the verifiers the page hashed and the session's token.
    const verifiers = verifiersSeen(network);
    const ok = exchanges(emulator).ok;
    expect(exchanges(emulator).all, "five flows, five exchanges").toHaveLength(5);
    const codes = ok.map((e) => e.code as string);
    const exchangeUrl = `${emulator.apiBaseUrl}/auth/keys`;
    const serverExchangeUrl = `${demo.url}/api/exchange`;
    type Request = Observed["requests"][number];
    const isExchange = (r: Request) => r.method === "POST" && r.url === exchangeUrl;
    const isServerExchange = (r: Request) => r.method === "POST" && r.url === serverExchangeUrl;
    await expect.poll(() => observed(network).requests.filter(isExchange).length, { message: "exchange requests the browser sent" }).toBe(4);
    const seen = observed(network);
    expectPlainAnswers(seen);
    const [serverRequest, ...moreServerRequests] = seen.requests.filter(isServerExchange);
    expect(moreServerRequests, "one exchange through the app's route").toEqual([]);
    const serverBody = JSON.parse(serverRequest?.body ?? "null") as { code: string; codeVerifier: string; codeChallengeMethod: string };
    expect(Object.keys(serverBody).sort()).toEqual(["code", "codeChallengeMethod", "codeVerifier"]);
    const exchangeBodies = seen.requests.filter(isExchange).map((r) => JSON.parse(r.body) as Record<string, string>);
    const sentCodes = [...exchangeBodies.map((b) => b.code as string), serverBody.code];
    expect([...sentCodes].sort(), "one exchange request per code").toEqual([...codes].sort());
    const sentVerifiers = [...exchangeBodies.map((b) => b.code_verifier as string), serverBody.codeVerifier];
    for (const verifier of sentVerifiers) expect(verifiers, "the verifier sent was one the page hashed").toContain(verifier);
    // Each code was issued for the challenge of a verifier we know: nothing escaped the capture.
    const challenges = new Map(emulator.codesIssued().map((c) => [c.code, c.codeChallenge]));
    sentCodes.forEach((code, i) => expect(challenges.get(code)).toBe(s256(sentVerifiers[i] as string)));
    expect(verifiers.length).toBeGreaterThanOrEqual(5);
    const serverKey = ok.find((e) => e.code === serverBody.code)?.key as string;
    const browserKeys = ok.filter((e) => e.code !== serverBody.code).map((e) => e.key as string);
    expect(browserKeys).toHaveLength(4);
    expect(shownByServer.replace(/\s+/g, " ").trim(), "what the page showed of the key the server stored").toBe(`Stored on the server: ${maskKey(serverKey)}`);
    const tokens = await expectOnlyTheSessionCookie(network, session, demo);

    // The key the server kept: in nothing the browser sent, got, logged, stored or showed.
    expectNowhere(seen, "server's key", serverKey);
    expect(JSON.parse(serverRequest?.responseBody ?? "null"), "the route's answer").toEqual({ userId: expect.any(String), keyHint: maskKey(serverKey) });
    // The keys the browser exchanged: only in the answer to their own exchange.
    for (const key of browserKeys) {
      expectNowhere(seen, "key", key, { responseBody: (i) => isExchange(seen.requests[i] as Request) && json(seen.requests[i]?.responseBody ?? "")?.key === key });
    }
    // The verifiers: only in the body of their own exchange (OpenRouter's, or the app's route), and
    // in the redirect's record.
    for (const verifier of verifiers) {
      expectNowhere(seen, "verifier", verifier, {
        requestBody: (i) => {
          const request = seen.requests[i] as Request;
          const body = json(request.body);
          return (isExchange(request) && body?.code_verifier === verifier) || (isServerExchange(request) && body?.codeVerifier === verifier);
        },
        // The redirect's own record, while this tab is away (checked below).
        storageWrite: (write) => write.area === "session" && write.origin === demo.url && write.name === "openrouter-connect:redirect",
      });
    }
    for (const token of tokens) expectNowhere(seen, "session token", token, COOKIE_HEADERS);
    // A code: in its own exchange request and in the callback URL only, never in a console line.
    for (const line of seen.console) for (const code of codes) expect(line, "a code in the console").not.toContain(code);
    expect(seen.urls.length).toBeGreaterThan(10);
    for (const url of seen.urls) for (const code of codes) if (url.includes(code)) expect(url, "a code outside the callback URL").toBe(`${demo.url}/?code=${code}`);
    for (const request of seen.requests) for (const code of codes) expect(JSON.stringify(request.headers), `a code in a header of ${request.url}`).not.toContain(code);

    // Storage writes: a verifier only in the redirect's own sessionStorage record.
    expect(seen.storageWrites.length).toBeGreaterThan(0);
    for (const write of seen.storageWrites) {
      const text = `${write.name}=${write.value}`;
      if (verifiers.some((v) => text.includes(v))) {
        expect({ area: write.area, origin: write.origin, name: write.name }, "a verifier written elsewhere").toEqual({
          area: "session",
          origin: demo.url,
          name: "openrouter-connect:redirect",
        });
      }
    }
    expect(seen.storageWrites.filter((w) => w.name === "openrouter-connect:redirect"), "the redirect kept its verifier while away").toHaveLength(1);
    // What is left: nothing.
    await expectNoSecretsInStorage(page, emulator);
    await expectNoAttemptLeft(page);
    // The DOM: no key ever went into a document, not even for a moment; the pages now hold none.
    expect(seen.keyShapedInDom, "a key in the DOM").toEqual([]);
    await expectNotInAnyPage(session, [
      ...[serverKey, ...browserKeys].map((value) => ({ kind: "key", value })),
      ...verifiers.map((value) => ({ kind: "verifier", value })),
      ...tokens.map((value) => ({ kind: "session token", value })),
    ]);
    // (The popup's state went with the redirect's page change.)
    for (const flow of ["redirect", "paste"] as const) await expect(statusRegion(page, flow)).toHaveText("Connected to OpenRouter.");
  });

  test("an error answer that echoes the code and the verifier: both redacted in the error onError gets, and the user sees the text for its code", async ({ page, demo, emulator, network }) => {
    const exchangeUrl = `${emulator.apiBaseUrl}/auth/keys`;
    const echoed: Array<{ code: string; verifier: string }> = [];
    // A provider (or proxy) that quotes the request back in its error.
    network.route((request) => {
      if (request.url.href !== exchangeUrl || request.method !== "POST") return undefined;
      const body = JSON.parse(request.body) as { code: string; code_verifier: string };
      echoed.push({ code: body.code, verifier: body.code_verifier });
      return {
        status: 403,
        headers: { "Content-Type": "application/json", "Access-Control-Allow-Origin": new URL(demo.url).origin },
        body: JSON.stringify({ error: { code: 403, message: `Invalid code_verifier ${body.code_verifier} for code ${body.code}` } }),
      };
    });
    await page.goto(demo.url);
    const popup = await clickForPopup(page, section(page, "popup").getByRole("button", { name: "Connect OpenRouter" }));
    await decideInPopup(popup, "Approve");
    await expectLogEndsWith(page, "popup", ["exchanging", "error", "error: invalid_code"]);

    expect(echoed).toHaveLength(1);
    await expect(statusRegion(page, "popup")).toHaveText(defaultMessages.invalid_code);
    expect(await lastErrorDetail(page, "popup")).toBe("OpenRouter answered 403: Invalid code_verifier [redacted] for code [redacted]");
    const { code, verifier } = echoed[0] as { code: string; verifier: string };
    const html = await page.content();
    expect(html).not.toContain(verifier);
    expect(html).not.toContain(code);
    for (const line of observed(network).console) {
      expect(line).not.toContain(verifier);
      expect(line).not.toContain(code);
    }
    await expectNoAttemptLeft(page);
  });
});

// ---------------------------------------------------------------- the key kept on the server

interface KeptOnServer {
  page: Window;
  session: BrowserSession;
  demo: RunningDemoServer;
  emulator: RunningOpenRouterEmulator;
  network: Network;
}

/**
 * After one flow through the app's exchange route: the emulator ran exactly one exchange, for the
 * code this browser sent to `/api/exchange` with its verifier; the route answered the hint only;
 * the server stored the key for this browser's session (`GET /api/session`, asked by the page,
 * answers its hint); and the key is in nothing the browser sent, got, logged, stored or showed.
 */
async function expectKeptOnServer({ page, session, demo, emulator, network }: KeptOnServer): Promise<string> {
  await expect.poll(() => exchanges(emulator).all.length, { message: "exchanges the emulator ran" }).toBe(1);
  const [exchange] = exchanges(emulator).all;
  expect(exchange?.outcome).toBe("ok");
  const key = exchange?.key as string;
  const seen = observed(network);
  expectPlainAnswers(seen);

  // The browser sent the code to the app's route, once, and nothing to OpenRouter's exchange.
  const toRoute = seen.requests.filter((r) => r.method === "POST" && r.url === `${demo.url}/api/exchange`);
  expect(toRoute, "one request to the app's exchange route").toHaveLength(1);
  expect(seen.requests.filter((r) => r.url === `${emulator.apiBaseUrl}/auth/keys`), "the browser never calls OpenRouter's exchange").toEqual([]);
  const sent = JSON.parse(toRoute[0]?.body ?? "null") as { code: string; codeVerifier: string; codeChallengeMethod: string };
  expect(sent).toEqual({ code: exchange?.code, codeVerifier: expect.stringMatching(/^[A-Za-z0-9._~-]{43,128}$/), codeChallengeMethod: "S256" });
  expect(emulator.codesIssued().find((c) => c.code === sent.code)?.codeChallenge, "the verifier of the code's challenge").toBe(s256(sent.codeVerifier));
  expect(verifiersSeen(network), "a verifier this page made").toContain(sent.codeVerifier);
  expect(toRoute[0]?.status).toBe(200);
  const answer = JSON.parse(toRoute[0]?.responseBody ?? "null") as { userId: string; keyHint: string };
  expect(answer, "the route answers the hint, not the key").toEqual({ userId: expect.any(String), keyHint: maskKey(key) });

  // The server stored it for this browser's session: the page asks, with its cookie.
  const stored = await page.evaluate(async () => {
    const response = await fetch("/api/session", { headers: { Accept: "application/json" } });
    return { status: response.status, body: (await response.json()) as unknown };
  });
  expect(stored).toEqual({ status: 200, body: { keyHint: maskKey(key), userId: answer.userId } });

  // The key: nowhere in the browser, at any time.
  const after = observed(network);
  expectNowhere(after, "key", key);
  expect(after.keyShapedInDom, "a key in the DOM").toEqual([]);
  for (const entry of await dumpStorage(page)) expect(`${entry.name}=${entry.value}`, `${entry.area}Storage`).not.toContain(key);
  const tokens = await expectOnlyTheSessionCookie(network, session, demo);
  await expectNotInAnyPage(session, [{ kind: "key", value: key }, ...tokens.map((value) => ({ kind: "session token", value }))]);
  for (const token of tokens) expectNowhere(after, "session token", token, COOKIE_HEADERS);
  await expectCleanUrl(page);
  await expectNoAttemptLeft(page);
  return key;
}

test.describe("the key kept on the server (exchangeUrl)", () => {
  test("popup, the demo's section: one exchange on the server, the key stored for the session, never in the browser", async ({ page, session, demo, emulator, network }) => {
    network.probe({ watchDom: [KEY_SHAPED] });
    await page.goto(demo.url);
    const server = section(page, "server");
    const popup = await clickForPopup(page, server.getByRole("button", { name: "Connect, key on the server" }));
    await decideInPopup(popup, "Approve");
    await expectLogEndsWith(page, "server", ["opening", "awaiting-approval", "exchanging", "connected"]);
    await expect.poll(() => popup.isClosed(), { message: "the popup closes itself" }).toBe(true);
    const key = await expectKeptOnServer({ page, session, demo, emulator, network });
    // The page shows what the server says it stored, masked.
    await expect(page.getByTestId("server-key")).toHaveText(`Stored on the server: ${maskKey(key)}`);
    await expect(statusRegion(page, "server")).toHaveText("Connected to OpenRouter.");
    expect(emulator.codesIssued()).toMatchObject([{ source: "consent", codeChallengeMethod: "S256", callbackUrl: `${demo.url}/` }]);
  });

  test("redirect, through the app's route: back from the consent page, one exchange on the server, never the key in the browser", async ({
    page,
    session,
    demo,
    emulator,
    network,
    harness,
  }) => {
    network.probe({ watchDom: [KEY_SHAPED] });
    const url = await harness({
      authUrl: emulator.authUrl,
      baseUrl: emulator.apiBaseUrl,
      buttons: [{ flow: "redirect", label: "Connect in this tab", props: { mode: "redirect", exchangeUrl: "/api/exchange" } }],
    });
    await page.goto(url);
    await section(page, "redirect").getByRole("button", { name: "Connect in this tab" }).click();
    await page.waitForURL((at) => at.href.startsWith(`${emulator.authUrl}?`));
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL((at) => at.href.startsWith(url));
    await expectLogEndsWith(page, "redirect", ["exchanging", "connected"]);
    const key = await expectKeptOnServer({ page, session, demo, emulator, network });
    await expect(page.getByTestId("redirect-connected")).toHaveText(`Connected: ${maskKey(key)}`);
    await expect(page.getByTestId("redirect-key"), "onKey never fired: no key in the page").toHaveText("No key yet.");
    expect(emulator.codesIssued()).toMatchObject([{ source: "consent", callbackUrl: url }]);
  });

  test("minted, through the app's mint and exchange routes: one code, one exchange on the server, never the key in the browser", async ({
    page,
    session,
    demo,
    emulator,
    network,
    harness,
    windowOpens,
  }) => {
    network.probe({ watchDom: [KEY_SHAPED] });
    const url = await harness({
      authUrl: emulator.authUrl,
      baseUrl: emulator.apiBaseUrl,
      mintUrl: "/api/mint",
      buttons: [{ flow: "minted", label: "Mint a key", props: { mint: { limit: 3, keyLabel: "e2e on the server" }, exchangeUrl: "/api/exchange" } }],
    });
    await page.goto(url);
    await section(page, "minted").getByRole("button", { name: "Mint a key" }).click();
    await expectLogEndsWith(page, "minted", ["opening", "exchanging", "connected"]);
    const key = await expectKeptOnServer({ page, session, demo, emulator, network });
    await expect(page.getByTestId("minted-connected")).toHaveText(`Connected: ${maskKey(key)}`);
    await expect(page.getByTestId("minted-key"), "onKey never fired: no key in the page").toHaveText("No key yet.");
    expect(emulator.codesIssued()).toMatchObject([{ source: "minted", limit: 3, keyLabel: "e2e on the server", codeChallengeMethod: "S256" }]);
    // Minted by the app's route, with its session; OpenRouter's code endpoint never seen by the browser.
    const requests = network.requests().map((r) => `${r.method} ${r.url} ${r.status ?? "-"}`);
    expect(requests).toContain(`POST ${demo.url}/api/mint 200`);
    expect(requests.filter((r) => r.includes(`${emulator.apiBaseUrl}/auth/keys`))).toEqual([]);
    expect(await windowOpens(), "no window opens").toEqual([]);
  });
});
