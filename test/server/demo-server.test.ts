// The demo server's routes fail closed, as an app's should: only the demo's own page (its session
// cookie, its origin, a loopback Host) may mint or exchange, within a quota; the exchange keeps the
// key on the server and /api/session shows only its hint. Over real HTTP, against the emulator.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenRouterAuthClient } from "../../src/core/client.js";
import { createPkcePair } from "../../src/core/pkce.js";
import { maskKey } from "../../src/core/rules.js";
import type { RunningOpenRouterEmulator } from "../../src/emulator/index.js";
import { DEMO_QUOTA, startDemoServer, type RunningDemoServer } from "../../scripts/demo-server.js";

let demo: RunningDemoServer;
let emulator: RunningOpenRouterEmulator;

beforeAll(async () => {
  demo = await startDemoServer({ port: 0, emulatorPort: 0 }); // Vite dev mode: no build needed
  emulator = demo.emulator as RunningOpenRouterEmulator;
}, 30_000);
afterAll(() => demo?.close());

/** Opens the page as a browser does and returns its session cookie. */
async function openPage(): Promise<string> {
  const response = await fetch(`${demo.url}/`, { headers: { Accept: "text/html", "Sec-Fetch-Dest": "document" } });
  await response.text();
  const cookie = response.headers.get("set-cookie") ?? "";
  expect(cookie).toMatch(/^orc_demo_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
  return cookie.split(";")[0] as string;
}

async function post(path: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(`${demo.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> & { error?: { code: unknown; message: string; scope?: string } } };
}

async function mintBody() {
  const pair = await createPkcePair();
  return { pair, body: { callback_url: `${demo.url}/`, code_challenge: pair.codeChallenge, code_challenge_method: "S256" } };
}

describe("the demo server", () => {
  it("publishes its routes in /demo-config.js", async () => {
    expect(demo.config).toMatchObject({ mintUrl: "/api/mint", exchangeUrl: "/api/exchange", sessionUrl: "/api/session", emulator: true });
    const script = await (await fetch(`${demo.url}/demo-config.js`)).text();
    expect(script).toContain('"exchangeUrl":"/api/exchange"');
  });

  it("gives a page its session cookie once; a page that has one keeps it", async () => {
    const cookie = await openPage();
    const again = await fetch(`${demo.url}/`, { headers: { Accept: "text/html", Cookie: cookie } });
    await again.text();
    expect(again.headers.get("set-cookie")).toBeNull();
  });

  it("mints only for its own page: session cookie and own origin; quota per session", async () => {
    const origin = new URL(demo.url).origin;
    const { body } = await mintBody();
    const cookie = await openPage();

    expect((await post("/api/mint", body, { Origin: origin })).status).toBe(403); // no session
    expect((await post("/api/mint", body, { Origin: origin, Cookie: "orc_demo_session=forged" })).status).toBe(403);
    expect((await post("/api/mint", body, { Origin: "https://evil.example", Cookie: cookie })).status).toBe(403);
    expect(emulator.codesIssued()).toHaveLength(0);

    const ok = await post("/api/mint", body, { Origin: origin, Cookie: cookie });
    expect(ok.status).toBe(200);
    expect(emulator.codesIssued()).toMatchObject([{ source: "minted", limit: 100, keyLabel: "openrouter-connect demo" }]);
    // localhost is the same demo.
    expect((await post("/api/mint", (await mintBody()).body, { Origin: origin.replace("127.0.0.1", "localhost"), Cookie: cookie })).status).toBe(200);

    // The session's quota: DEMO_QUOTA.perSubject.maxKeys in the hour, then 429 for this session only.
    const max = DEMO_QUOTA.perSubject?.maxKeys as number;
    for (let i = 2; i < max; i++) expect((await post("/api/mint", (await mintBody()).body, { Origin: origin, Cookie: cookie })).status).toBe(200);
    const over = await post("/api/mint", (await mintBody()).body, { Origin: origin, Cookie: cookie });
    expect(over.status).toBe(429);
    expect(over.json.error).toMatchObject({ code: "quota_exceeded", scope: "subject" });
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await post("/api/mint", (await mintBody()).body, { Origin: origin, Cookie: await openPage() })).status).toBe(200);
  });

  it("refuses a request whose Host is not loopback (421), whatever the route", async () => {
    const status = (path: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const { port } = new URL(demo.url);
        const req = httpRequest({ host: "127.0.0.1", port, path, method: "GET", headers: { Host: host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await status("/api/session", "attacker.test")).toBe(421);
    expect(await status("/", "attacker.test:5173")).toBe(421);
    expect(await status("/demo-config.js", "192.168.1.20")).toBe(421);
    expect(await status("/demo-config.js", "localhost")).toBe(200);
  });

  it("exchanges on the server: the key stays there, the page and /api/session only ever see its hint", async () => {
    const origin = new URL(demo.url).origin;
    const cookie = await openPage();
    expect((await fetch(`${demo.url}/api/session`, { headers: { Cookie: cookie } })).status).toBe(404);

    const pair = await createPkcePair();
    const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
    const { data } = await client.createAuthCode({ callbackUrl: `${demo.url}/`, codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
    const body = { code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" };
    expect((await post("/api/exchange", body, { Origin: origin })).status).toBe(403); // no session
    const exchanged = await post("/api/exchange", body, { Origin: origin, Cookie: cookie });
    const key = emulator.exchanges().find((e) => e.outcome === "ok")?.key as string;
    expect(exchanged).toMatchObject({ status: 200, json: { userId: "user_emulator", keyHint: maskKey(key) } });
    expect(JSON.stringify(exchanged.json)).not.toContain(key);

    const session = await fetch(`${demo.url}/api/session`, { headers: { Cookie: cookie } });
    const text = await session.text();
    expect(session.status).toBe(200);
    expect(JSON.parse(text)).toEqual({ keyHint: maskKey(key), userId: "user_emulator" });
    expect(text).not.toContain(key);
    // Another session sees nothing of it.
    expect((await fetch(`${demo.url}/api/session`, { headers: { Cookie: await openPage() } })).status).toBe(404);
  });
});
