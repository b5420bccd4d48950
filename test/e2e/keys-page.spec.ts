// The emulator's keys page, in every engine: a real form post from the page itself revokes a key
// (so the browser's own Origin header passes the same-origin check), and a form on another
// origin (the demo's) that posts to it is refused.
import { createOpenRouterAuthClient } from "../../src/core/client.js";
import type { RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { expect, maskKey } from "./fixtures.js";
import { test } from "./support-faults.js"; // one `test` for every spec: one worker per engine

async function issueKey(emulator: RunningOpenRouterEmulator, keyLabel: string): Promise<string> {
  const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
  const { data } = await client.createAuthCode({ callbackUrl: "https://app.example/cb", keyLabel, limit: 3 });
  return (await client.exchangeAuthCode({ code: data.id })).key;
}

async function keyStatus(emulator: RunningOpenRouterEmulator, key: string): Promise<number> {
  return (await fetch(`${emulator.apiBaseUrl}/key`, { headers: { Authorization: `Bearer ${key}` } })).status;
}

test.describe("emulator keys page", () => {
  test("Revoke on the page ends the key: 303 back to the page, which says so, and GET /key answers 401", async ({ page, emulator }) => {
    const key = await issueKey(emulator, "Browser test");
    const other = await issueKey(emulator, "Keep me");
    await page.goto(emulator.keysUrl);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("API keys");
    await expect(page.getByRole("row", { name: /Browser test/ })).toContainText(maskKey(key));
    expect(await page.content()).not.toContain(key);

    await page.getByRole("button", { name: `Revoke Browser test (${maskKey(key)})` }).click();
    await page.waitForURL((url) => url.href.startsWith(`${emulator.keysUrl}?`));
    expect(await page.url()).toMatch(new RegExp(`^${emulator.keysUrl}\\?revoked=[0-9a-f]{32}$`));
    await expect(page.getByRole("status")).toContainText(`Revoked Browser test (${maskKey(key)})`);
    await expect(page.getByRole("row", { name: /Browser test/ })).toContainText("Revoked");
    await expect(page.getByRole("row", { name: /Keep me/ }).getByRole("button", { name: /^Revoke/ })).toBeVisible();

    expect(emulator.revokedKeys()).toEqual([key]);
    expect(emulator.events.filter((e) => e.type === "key_revoked")).toMatchObject([{ key, source: "page" }]);
    expect(await keyStatus(emulator, key)).toBe(401);
    expect(await keyStatus(emulator, other)).toBe(200);
  });

  test("a form on another origin that posts to the page revokes nothing", async ({ page, demo, emulator }) => {
    const key = await issueKey(emulator, "Target");
    await page.goto(emulator.keysUrl);
    const keyId = await page.getByRole("button", { name: /^Revoke Target/ }).getAttribute("value");
    expect(keyId).toMatch(/^[0-9a-f]{32}$/);

    // The demo's page (another port, so another origin) submits a copy of the form.
    await page.goto(demo.url);
    await page.evaluate(
      ({ action, id }) => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = action;
        const field = Object.assign(document.createElement("input"), { type: "hidden", name: "key_id", value: id });
        form.append(field);
        document.body.append(form);
        form.submit();
      },
      { action: emulator.keysUrl, id: keyId as string },
    );
    await expect(page.getByRole("alert")).toContainText("only be revoked from this page");
    expect(emulator.revokedKeys()).toEqual([]);
    expect(await keyStatus(emulator, key)).toBe(200);
  });
});
