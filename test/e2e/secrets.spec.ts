// Issue 6: the key and the verifier never show where they do not belong. One test watches every
// page of the browser (popups and tabs included) through the popup, redirect, minted and paste
// flows: console, every URL visited or requested, every request's headers and body, every storage
// write, the final storage and the DOM. Another makes the provider echo the secrets in an error.
import { exchanges, expectCleanUrl, expectLogEndsWith, expectNoSecretsInStorage, section, type Network } from "./fixtures.js";
import { clickForPopup, decideInPopup, dumpStorage, expect, expectNoAttemptLeft, s256, statusRegion, test, verifiersSeen } from "./support-faults.js";

interface Observed {
  console: string[];
  urls: string[];
  requests: Array<{ method: string; url: string; headers: Record<string, string>; body: string }>;
  storageWrites: Array<{ area: string; origin: string; name: string; value: string }>;
}

/**
 * What every window of the test (popups and tabs included) did, as the recording proxy and the
 * page probes saw it: console lines and page errors, every URL visited or requested (the
 * address bar's too, as history changed it), every request with its headers and body, every
 * storage write.
 */
function observed(network: Network): Observed {
  const reports = network.reports();
  const requests = network.requests().map(({ method, url, headers, body }) => ({ method, url, headers, body }));
  return {
    console: reports.flatMap((r) => (r.kind === "console" ? [`${String(r.level)}: ${String(r.text)}`] : r.kind === "error" ? [`pageerror: ${String(r.message)}`] : [])),
    urls: [...requests.map((r) => r.url), ...reports.flatMap((r) => (r.kind === "url" ? [String(r.url)] : []))],
    requests,
    storageWrites: reports.flatMap((r) =>
      r.kind === "storage" ? [{ area: String(r.area), origin: String(r.origin), name: String(r.name), value: String(r.value) }] : [],
    ),
  };
}

test.describe("secrets stay where they belong", () => {
  test("popup, redirect, minted and paste: the key and the verifier never reach the console, a URL, another request, storage or the page", async ({
    page,
    demo,
    emulator,
    network,
  }) => {
    await page.goto(demo.url);

    // Popup: storage while it waits holds the attempt id only.
    const popup = await clickForPopup(page, section(page, "popup").getByRole("button", { name: "Connect OpenRouter" }));
    await expect(popup.getByRole("button", { name: "Approve" })).toBeVisible();
    await expectLogEndsWith(page, "popup", ["awaiting-approval"]);
    for (const entry of await dumpStorage(page)) expect(`${entry.name}=${entry.value}`).not.toMatch(/[A-Za-z0-9._~-]{43,}/);
    await decideInPopup(popup, "Approve");
    await expectLogEndsWith(page, "popup", ["exchanging", "connected"]);
    await expect.poll(() => popup.isClosed()).toBe(true);

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

    // What there was to keep secret: four keys, and the verifiers the page hashed.
    const seen = observed(network);
    const verifiers = verifiersSeen(network);
    const ok = exchanges(emulator).ok;
    expect(exchanges(emulator).all, "four flows, four exchanges").toHaveLength(4);
    const keys = ok.map((e) => e.key as string);
    const codes = ok.map((e) => e.code as string);
    const exchangeUrl = `${emulator.apiBaseUrl}/auth/keys`;
    const isExchange = (r: Observed["requests"][number]) => r.method === "POST" && r.url === exchangeUrl;
    await expect.poll(() => observed(network).requests.filter(isExchange).length, { message: "exchange requests the browser sent" }).toBe(4);
    const exchangeBodies = seen.requests.filter(isExchange).map((r) => JSON.parse(r.body) as Record<string, string>);
    expect(exchangeBodies.map((b) => b.code).sort(), "one exchange request per code").toEqual([...codes].sort());
    for (const body of exchangeBodies) expect(verifiers, "the verifier sent was one the page hashed").toContain(body.code_verifier);
    // Each code was issued for the challenge of a verifier we know: nothing escaped the capture.
    const challenges = new Map(emulator.codesIssued().map((c) => [c.code, c.codeChallenge]));
    for (const body of exchangeBodies) expect(challenges.get(body.code as string)).toBe(s256(body.code_verifier as string));
    expect(verifiers.length).toBeGreaterThanOrEqual(4);
    const secrets = [...keys.map((k) => ({ kind: "key", value: k })), ...verifiers.map((v) => ({ kind: "verifier", value: v }))];

    // Console (every page, popups included) and page errors: no key, verifier or code.
    for (const line of seen.console) {
      for (const { kind, value } of secrets) expect(line, `the ${kind} in the console`).not.toContain(value);
      for (const code of codes) expect(line, "a code in the console").not.toContain(code);
    }
    // URLs visited or requested: never a key or verifier; a code only in the callback URL.
    expect(seen.urls.length).toBeGreaterThan(10);
    for (const url of seen.urls) {
      for (const { kind, value } of secrets) {
        expect(url, `the ${kind} in a URL`).not.toContain(value);
        expect(decodeURIComponent(url), `the ${kind} in a URL`).not.toContain(value);
      }
      for (const code of codes) if (url.includes(code)) expect(url, "a code outside the callback URL").toBe(`${demo.url}/?code=${code}`);
    }
    // Requests: no secret in any header (no Referer carries a code either); the verifier only in
    // the body of its own exchange, the key in no request at all.
    for (const request of seen.requests) {
      const headers = JSON.stringify(request.headers);
      for (const { kind, value } of secrets) expect(headers, `the ${kind} in a header of ${request.url}`).not.toContain(value);
      for (const code of codes) expect(headers, `a code in a header of ${request.url}`).not.toContain(code);
      for (const key of keys) expect(request.body, `the key sent to ${request.url}`).not.toContain(key);
      for (const verifier of verifiers) {
        if (!request.body.includes(verifier)) continue;
        expect(`${request.method} ${request.url}`, "the verifier sent elsewhere").toBe(`POST ${exchangeUrl}`);
        expect(JSON.parse(request.body), "the verifier in its own exchange").toMatchObject({ code_verifier: verifier });
      }
    }
    // Storage writes: the key never; a verifier only in the redirect's own sessionStorage record.
    expect(seen.storageWrites.length).toBeGreaterThan(0);
    for (const write of seen.storageWrites) {
      const text = `${write.name}=${write.value}`;
      for (const key of keys) expect(text, `the key written to ${write.area}Storage`).not.toContain(key);
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
    // No cookie was set or sent, by any page or server.
    expect(network.requests().filter((r) => r.headers.cookie || r.responseHeaders?.["set-cookie"])).toEqual([]);
    const html = await page.content();
    for (const { kind, value } of secrets) expect(html, `the ${kind} in the page`).not.toContain(value);
    // (The popup's state went with the redirect's page change.)
    for (const flow of ["redirect", "paste"] as const) await expect(statusRegion(page, flow)).toHaveText("Connected to OpenRouter.");
  });

  test("an error answer that echoes the code and the verifier: both redacted in the message shown", async ({ page, demo, emulator, network }) => {
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
    await expect(statusRegion(page, "popup")).toHaveText("OpenRouter answered 403: Invalid code_verifier [redacted] for code [redacted]");
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
