// The keys page (/settings/keys, like https://openrouter.ai/settings/keys) driven as a browser
// would: GET it, read it, press a Revoke button, follow the 303; then the revoked key gets 401.
import { request as httpRequest } from "node:http";
import { getAllByRole, getByRole, queryAllByRole, within } from "@testing-library/dom";
import { describe, expect, it } from "vitest";
import { maskKey } from "../../src/core/rules.js";
import { createOpenRouterEmulatorApp, type RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { rejection } from "../support/rejection.js";
import { clickButton, clientFor, expectWireConforms, openPage, parseResponsePage, raw, startEmulator } from "./helpers.js";

const CALLBACK = "https://app.example/cb";

/** A key issued by a minted flow with these spend controls. */
async function issueKey(emulator: RunningOpenRouterEmulator, controls: { limit?: number; keyLabel?: string; usageLimitType?: "daily" | "monthly"; expiresAt?: string } = {}) {
  const { client } = clientFor(emulator);
  const { data } = await client.createAuthCode({ callbackUrl: CALLBACK, ...controls });
  return (await client.exchangeAuthCode({ code: data.id })).key;
}

function revokeForm(emulator: RunningOpenRouterEmulator, keyId: string, headers: Record<string, string>) {
  return fetch(emulator.keysUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ key_id: keyId }),
    redirect: "manual",
  });
}

/** The page id of the first Revoke button (what the form posts: never the key itself). */
async function firstKeyId(emulator: RunningOpenRouterEmulator): Promise<string> {
  const page = await openPage(emulator.keysUrl);
  return (getAllByRole(page.document.body, "button", { name: /^Revoke / })[0] as HTMLButtonElement).value;
}

describe("keys page", () => {
  it("lives at authUrl with its last segment `auth` replaced by settings/keys", async () => {
    const emulator = await startEmulator();
    expect(emulator.keysUrl).toBe(`${emulator.url}/settings/keys`);
    expect(emulator.keysUrl).toBe(emulator.authUrl.replace(/\/auth$/, "/settings/keys"));
  });

  it("lists the keys issued, newest first and masked, with their limits, times and a Revoke button each", async () => {
    let clock = Date.parse("2026-03-01T12:00:00.750Z");
    const emulator = await startEmulator({ now: () => clock });
    const first = await issueKey(emulator, { limit: 5, usageLimitType: "monthly", keyLabel: "Team laptop" });
    clock += 60_000;
    const second = await issueKey(emulator, { expiresAt: "2026-03-01T12:00:30Z" });
    const page = await openPage(emulator.keysUrl);

    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const csp = page.headers.get("content-security-policy") ?? "";
    for (const directive of ["default-src 'none'", "form-action 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
    expect(page.html).not.toContain(first);
    expect(page.html).not.toContain(second);
    expect(page.html).not.toContain(emulator.apiKey);

    const body = page.document.body;
    expect(getByRole(body, "heading", { level: 1 }).textContent).toBe("API keys");
    const table = getByRole(body, "table", { name: /keys issued/i });
    const rows = getAllByRole(table, "row").slice(1); // the header row first
    expect(rows.map((row) => getAllByRole(row, "cell").map((cell) => cell.textContent?.trim()))).toEqual([
      [maskKey(second), "No limit", "2026-03-01T12:01:00Z", "Expired", "Revoke"],
      [maskKey(first), "$5.00, resets monthly", "2026-03-01T12:00:00Z", "Active", "Revoke"],
    ]);
    expect(rows.map((row) => getByRole(row, "rowheader").textContent)).toEqual(["app.example", "Team laptop"]);
    // Every button says which key it revokes.
    expect(getByRole(body, "button", { name: `Revoke Team laptop (${maskKey(first)})` })).toBeTruthy();
    expect(getByRole(body, "button", { name: `Revoke app.example (${maskKey(second)})` })).toBeTruthy();
  });

  it("says so when there is no key yet, and lists no dev key", async () => {
    const emulator = await startEmulator();
    const page = await openPage(emulator.keysUrl);
    expect(page.status).toBe(200);
    expect(page.document.body.textContent).toContain("No keys yet");
    expect(queryAllByRole(page.document.body, "button")).toEqual([]);
  });

  it("revokes from its own origin: 303 back, the key gets 401 in OpenRouter's error shape, the page shows it", async () => {
    const emulator = await startEmulator();
    const key = await issueKey(emulator, { keyLabel: "CI runner" });
    const other = await issueKey(emulator);
    const { client, wire } = clientFor(emulator);
    await expect(client.getKeyInfo(key)).resolves.toMatchObject({ label: "CI runner" });

    const page = await openPage(emulator.keysUrl);
    const answer = await clickButton(page, `Revoke CI runner (${maskKey(key)})`, { Origin: emulator.url });
    expect(answer.status).toBe(303);
    const location = new URL(answer.headers.get("location") ?? "", emulator.keysUrl);
    expect(`${location.origin}${location.pathname}`).toBe(emulator.keysUrl);
    expect(location.search).not.toContain(key);

    expect(await rejection(client.getKeyInfo(key))).toMatchObject({ code: "unauthorized", status: 401 });
    const refused = await raw(`${emulator.apiBaseUrl}/key`, { headers: { Authorization: `Bearer ${key}` } });
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 401, message: "User not found." } } });
    await expect(client.getKeyInfo(other)).resolves.toBeTruthy();
    expectWireConforms(wire);

    const after = await openPage(location.toString());
    expect(getByRole(after.document.body, "status").textContent).toContain(`Revoked CI runner (${maskKey(key)})`);
    const row = getByRole(after.document.body, "row", { name: /CI runner/ });
    expect(within(row).getByText("Revoked")).toBeTruthy();
    expect(within(row).queryByRole("button")).toBeNull();
    expect(emulator.revokedKeys()).toEqual([key]);
    expect(emulator.events.filter((e) => e.type === "key_revoked")).toMatchObject([{ key, source: "page" }]);
  });

  it("counts a second Revoke of the same key (a double click) as done, once", async () => {
    const emulator = await startEmulator();
    await issueKey(emulator);
    const keyId = await firstKeyId(emulator);
    expect((await revokeForm(emulator, keyId, { Origin: emulator.url })).status).toBe(303);
    expect((await revokeForm(emulator, keyId, { Origin: emulator.url })).status).toBe(303);
    expect(emulator.events.filter((e) => e.type === "key_revoked")).toHaveLength(1);
  });

  it("refuses a Revoke from anywhere else: another origin, an opaque one, or no origin at all", async () => {
    const emulator = await startEmulator();
    const key = await issueKey(emulator);
    const keyId = await firstKeyId(emulator);
    const refusals: Array<Record<string, string>> = [
      { Origin: "https://evil.example" },
      { Origin: emulator.url.replace("127.0.0.1", "localhost") }, // same host, another origin
      { Origin: "null" },
      { "Sec-Fetch-Site": "cross-site" },
      { "Sec-Fetch-Site": "same-site" },
      {},
    ];
    for (const headers of refusals) {
      const answer = await revokeForm(emulator, keyId, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      const page = await parseResponsePage(answer, emulator.keysUrl);
      expect(getByRole(page.document.body, "alert").textContent).toMatch(/only be revoked from this page/);
    }
    expect(emulator.revokedKeys()).toEqual([]);
    await expect(clientFor(emulator).client.getKeyInfo(key)).resolves.toBeTruthy();
    // A browser that sends no Origin still says where the form came from.
    expect((await revokeForm(emulator, keyId, { "Sec-Fetch-Site": "same-origin" })).status).toBe(303);
    expect(emulator.revokedKeys()).toEqual([key]);
  });

  it("takes its own origin from where it listens, never from the Host a client sends", async () => {
    const emulator = await startEmulator();
    await issueKey(emulator);
    const keyId = await firstKeyId(emulator);
    const body = new URLSearchParams({ key_id: keyId }).toString();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest(
        emulator.keysUrl,
        {
          method: "POST",
          headers: { Host: "attacker.test", Origin: "http://attacker.test", "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(body.length) },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      request.on("error", reject);
      request.end(body);
    });
    expect(status).toBe(403);
    expect(emulator.revokedKeys()).toEqual([]);
  });

  it("refuses forms it can't read, with an error page and nothing revoked", async () => {
    const emulator = await startEmulator();
    await issueKey(emulator);
    const keyId = await firstKeyId(emulator);
    const origin = { Origin: emulator.url };
    const post = (body: string, contentType = "application/x-www-form-urlencoded") =>
      fetch(emulator.keysUrl, { method: "POST", headers: { "Content-Type": contentType, ...origin }, body, redirect: "manual" });
    const cases: Array<[Promise<Response>, number, RegExp]> = [
      [post(JSON.stringify({ key_id: keyId }), "application/json"), 400, /x-www-form-urlencoded/],
      [post(""), 400, /key_id: required/],
      [post(`key_id=${keyId}&key_id=${keyId}`), 400, /more than once/],
      [post("key_id=sk-or-v1-not-an-id"), 400, /key_id/],
      [post(`key_id=${"0".repeat(32)}`), 404, /no such key/],
      [post(`key_id=${"a".repeat(70 * 1024)}`), 413, /larger than/],
    ];
    for (const [answer, status, message] of cases) {
      const response = await answer;
      expect(response.status).toBe(status);
      expect(response.headers.get("location")).toBeNull();
      const page = await parseResponsePage(response, emulator.keysUrl);
      expect(getByRole(page.document.body, "alert").textContent).toMatch(message);
    }
    expect(emulator.revokedKeys()).toEqual([]);
    const wrongMethod = await raw(emulator.keysUrl, { method: "PUT" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, POST");
  });

  it("escapes what it shows", async () => {
    const emulator = await startEmulator();
    await issueKey(emulator, { keyLabel: '<img src=x onerror="alert(1)">' });
    const page = await openPage(emulator.keysUrl);
    expect(page.document.querySelector("img, script")).toBeNull();
    expect(getByRole(page.document.body, "rowheader").textContent).toBe('<img src=x onerror="alert(1)">');
  });

  it("takes faults like any route", async () => {
    const emulator = await startEmulator();
    emulator.faults.failNext("keys-page", { status: 503 });
    const page = await openPage(emulator.keysUrl);
    expect(page.status).toBe(503);
    expect(page.html).toContain("Service Unavailable");
    expect((await openPage(emulator.keysUrl)).status).toBe(200);
  });
});

describe("revokeKey()", () => {
  it("revokes an issued key once, for tests; unknown and dev keys are not revoked", async () => {
    const emulator = await startEmulator();
    const key = await issueKey(emulator);
    const { client } = clientFor(emulator);
    expect(emulator.revokeKey(key)).toBe(true);
    expect(emulator.revokeKey(key)).toBe(false);
    expect(emulator.revokeKey(`sk-or-v1-${"0".repeat(64)}`)).toBe(false);
    expect(emulator.revokeKey(emulator.apiKey)).toBe(false);
    expect(await rejection(client.getKeyInfo(key))).toMatchObject({ code: "unauthorized" });
    await expect(client.getKeyInfo(emulator.apiKey)).resolves.toBeTruthy();
    expect(emulator.revokedKeys()).toEqual([key]);
    expect(emulator.events.filter((e) => e.type === "key_revoked")).toMatchObject([{ key, source: "helper" }]);

    emulator.reset();
    expect(emulator.revokedKeys()).toEqual([]);
  });

  it("works on the platform-neutral app under a base path", async () => {
    const app = createOpenRouterEmulatorApp({ basePath: "/openrouter" });
    const page = await app.handle(new Request("https://emulator.test/openrouter/settings/keys"));
    expect(page.status).toBe(200);
    expect((await app.handle(new Request("https://emulator.test/settings/keys"))).status).toBe(404);
    expect(app.revokedKeys()).toEqual([]);
  });
});
