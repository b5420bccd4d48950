// The consent page driven as a browser would: GET the page, parse it, submit its form with the
// clicked button, and read the 303 without following it.
import { getByLabelText, getByRole, queryByRole } from "@testing-library/dom";
import { describe, expect, it } from "vitest";
import { buildAuthorizationUrl, buildHeadlessAuthorizationUrl } from "../../src/core/authorization-url.js";
import { createPkcePair } from "../../src/core/pkce.js";
import { clickButton, clientFor, consentUrl, expectWireConforms, openPage, parseResponsePage, startEmulator } from "./helpers.js";

const S256_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

describe("consent page", () => {
  it("names the app, shows the limit, and approves into a redirect with the code", async () => {
    const emulator = await startEmulator();
    const pair = await createPkcePair();
    const callback = "https://app.example/settings?tab=keys";
    const url = buildAuthorizationUrl({ callbackUrl: callback, codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256", limit: 25, authUrl: emulator.authUrl });
    const page = await openPage(url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(getByRole(page.document.body, "heading", { level: 1 }).textContent).toContain("app.example");
    expect(page.document.body.textContent).toContain("$25.00");
    expect(getByRole(page.document.body, "button", { name: "Deny" })).toBeTruthy();
    expect(page.html).not.toContain(emulator.apiKey);
    expect(page.headers.get("cross-origin-opener-policy")).toBeNull();

    const answer = await clickButton(page, "Approve");
    expect(answer.status).toBe(303);
    const location = new URL(answer.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe("https://app.example/settings");
    expect(location.search).toMatch(/^\?tab=keys&code=auth_code_/);
    expect([...location.searchParams.keys()]).toEqual(["tab", "code"]);
    const code = location.searchParams.get("code") as string;
    expect(emulator.codesIssued()).toMatchObject([{ code, source: "consent", callbackUrl: callback, codeChallengeMethod: "S256", limit: 25 }]);

    const { client, wire } = clientFor(emulator);
    const { key } = await client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });
    await expect(client.getKeyInfo(key)).resolves.toMatchObject({ label: "app.example", limit: 25, limitRemaining: 25, limitReset: null, usage: 0 });
    expectWireConforms(wire);
  });

  it("keeps the callback's query string exactly, and works for loopback callbacks", async () => {
    const emulator = await startEmulator();
    const callback = "http://localhost:5173/cb?next=%2Fsettings&mode=a+b";
    const page = await openPage(consentUrl(emulator, { callback_url: callback, code_challenge: S256_CHALLENGE, code_challenge_method: "S256" }));
    const location = (await clickButton(page, "Approve")).headers.get("location") ?? "";
    expect(location).toMatch(/^http:\/\/localhost:5173\/cb\?next=%2Fsettings&mode=a\+b&code=auth_code_[A-Za-z0-9_-]+$/);
  });

  it("redirects with error=access_denied on Deny and issues nothing", async () => {
    const emulator = await startEmulator();
    const page = await openPage(consentUrl(emulator, { callback_url: "https://app.example/cb?tab=keys", code_challenge: S256_CHALLENGE, code_challenge_method: "S256" }));
    const answer = await clickButton(page, "Deny");
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("https://app.example/cb?tab=keys&error=access_denied");
    expect(emulator.codesIssued()).toEqual([]);
    expect(emulator.events.filter((e) => e.type === "consent_denied")).toMatchObject([{ callbackUrl: "https://app.example/cb?tab=keys" }]);
  });

  it("shows an error page, never a redirect or a form, for invalid parameters", async () => {
    const emulator = await startEmulator();
    const ok = { callback_url: "https://app.example/cb", code_challenge: S256_CHALLENGE, code_challenge_method: "S256" };
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...ok, callback_url: "http://app.example/cb" }, "callback_url"],
      [{ ...ok, callback_url: "javascript:alert(1)" }, "callback_url"],
      [{ ...ok, callback_url: "https://user:pw@app.example/cb" }, "callback_url"],
      [{ ...ok, callback_url: "/relative" }, "callback_url"],
      [{ ...ok, code_challenge_method: "S512" }, "code_challenge_method"],
      [{ ...ok, code_challenge_method: "s256" }, "code_challenge_method"],
      [{ ...ok, code_challenge: "short" }, "code_challenge"],
      [{ ...ok, code_challenge: `${"a".repeat(42)}!` }, "code_challenge"],
      [{ ...ok, code_challenge: `${S256_CHALLENGE}A` }, "code_challenge"],
      [{ ...ok, code_challenge: "a".repeat(129), code_challenge_method: "plain" }, "code_challenge"],
      [{ code_challenge_method: "S256", callback_url: ok.callback_url }, "code_challenge_method"],
      [{ key_label: "CLI" }, "code_challenge"], // headless mode needs a challenge
      [{ ...ok, limit: "-1" }, "limit"],
      [{ ...ok, limit: "ten" }, "limit"],
      [{ ...ok, limit: "" }, "limit"],
      [{ ...ok, key_label: "x".repeat(101) }, "key_label"],
    ];
    for (const [params, field] of cases) {
      const page = await openPage(consentUrl(emulator, params));
      expect(page.status, JSON.stringify(params)).toBe(400);
      expect(page.headers.get("location")).toBeNull();
      expect(getByRole(page.document.body, "alert").textContent).toContain(field);
      expect(queryByRole(page.document.body, "button")).toBeNull();
    }
    const twice = new URL(consentUrl(emulator, ok));
    twice.searchParams.append("callback_url", "https://evil.example/cb");
    const duplicated = await openPage(twice.toString());
    expect(duplicated.status).toBe(400);
    expect(getByRole(duplicated.document.body, "alert").textContent).toContain("more than once");
    expect(emulator.codesIssued()).toEqual([]);
  });

  it("re-checks the form fields when they come back", async () => {
    const emulator = await startEmulator();
    const page = await openPage(consentUrl(emulator, { callback_url: "https://app.example/cb", code_challenge: S256_CHALLENGE, code_challenge_method: "S256" }));
    const hidden = page.document.querySelector<HTMLInputElement>('input[name="callback_url"]');
    if (!hidden) throw new Error("no callback_url field");
    hidden.value = "http://evil.example/steal";
    const tampered = await clickButton(page, "Approve");
    expect(tampered.status).toBe(400);
    expect(tampered.headers.get("location")).toBeNull();

    const noDecision = await fetch(emulator.authUrl, { method: "POST", body: new URLSearchParams({ callback_url: "https://app.example/cb" }), redirect: "manual" });
    expect(noDecision.status).toBe(400);
    const asJson = await fetch(emulator.authUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}", redirect: "manual" });
    expect(asJson.status).toBe(400);
    expect(emulator.codesIssued()).toEqual([]);
  });

  it("issues codes without PKCE when the page gets no challenge, and reads a bare challenge as plain", async () => {
    const emulator = await startEmulator();
    const { client } = clientFor(emulator);

    const open = await openPage(consentUrl(emulator, { callback_url: "https://app.example/cb" }));
    const openCode = new URL((await clickButton(open, "Approve")).headers.get("location") ?? "").searchParams.get("code") as string;
    await expect(client.exchangeAuthCode({ code: openCode })).resolves.toBeTruthy();

    const pair = await createPkcePair("plain");
    const bare = await openPage(consentUrl(emulator, { callback_url: "https://app.example/cb", code_challenge: pair.codeChallenge }));
    const bareCode = new URL((await clickButton(bare, "Approve")).headers.get("location") ?? "").searchParams.get("code") as string;
    expect(emulator.codesIssued().at(-1)).toMatchObject({ code: bareCode, codeChallengeMethod: "plain" });
    await expect(client.exchangeAuthCode({ code: bareCode, codeVerifier: pair.codeVerifier, codeChallengeMethod: "plain" })).resolves.toBeTruthy();
  });

  it("escapes what it shows", async () => {
    const emulator = await startEmulator();
    const page = await openPage(
      consentUrl(emulator, { callback_url: "https://app.example/cb?x=%22%3E%3Cscript%3E", code_challenge: S256_CHALLENGE, key_label: '<img src=x onerror="alert(1)">' }),
    );
    expect(page.status).toBe(200);
    expect(page.document.querySelector("script, img")).toBeNull();
    expect(page.document.body.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("sends Cross-Origin-Opener-Policy when the coop fault is on", async () => {
    const emulator = await startEmulator();
    emulator.faults.coop(true);
    const url = consentUrl(emulator, { callback_url: "https://app.example/cb", code_challenge: S256_CHALLENGE, code_challenge_method: "S256" });
    const page = await openPage(url);
    expect(page.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect((await clickButton(page, "Approve")).headers.get("cross-origin-opener-policy")).toBe("same-origin");
    emulator.faults.coop(false);
    expect((await openPage(url)).headers.get("cross-origin-opener-policy")).toBeNull();
  });
});

describe("headless mode", () => {
  it("shows the code on the page after approval, labelled 'Your code'", async () => {
    const emulator = await startEmulator();
    const pair = await createPkcePair();
    const url = buildHeadlessAuthorizationUrl({ codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256", keyLabel: "my-cli on laptop", limit: 2, authUrl: emulator.authUrl });
    const page = await openPage(url);
    expect(page.status).toBe(200);
    expect(page.document.body.textContent).toContain("my-cli on laptop");

    const answer = await clickButton(page, "Approve");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("location")).toBeNull();
    const shown = await parseResponsePage(answer, emulator.authUrl);
    const output = getByLabelText(shown.document.body, "Your code");
    expect(output.id).toBe("code");
    const code = output.textContent ?? "";
    expect(code).toMatch(/^auth_code_/);
    expect(emulator.codesIssued()).toMatchObject([{ code, source: "consent", callbackUrl: null, keyLabel: "my-cli on laptop", limit: 2 }]);

    const { client } = clientFor(emulator);
    const { key } = await client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });
    await expect(client.getKeyInfo(key)).resolves.toMatchObject({ label: "my-cli on laptop", limit: 2 });
    expect(await client.exchangeAuthCode({ code, codeVerifier: pair.codeVerifier }).catch((e: { code: string }) => e.code)).toBe("invalid_code");
  });

  it("shows a denied page on Deny", async () => {
    const emulator = await startEmulator();
    const page = await openPage(consentUrl(emulator, { code_challenge: S256_CHALLENGE, code_challenge_method: "S256", key_label: "CLI" }));
    const answer = await clickButton(page, "Deny");
    expect(answer.status).toBe(200);
    const shown = await parseResponsePage(answer, emulator.authUrl);
    expect(getByRole(shown.document.body, "heading", { level: 1 }).textContent).toMatch(/denied/i);
    expect(shown.document.getElementById("code")).toBeNull();
    expect(emulator.codesIssued()).toEqual([]);
  });
});
