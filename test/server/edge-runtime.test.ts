// openrouter-connect/server runs where there is no Node: bundled for a neutral platform it pulls in
// no node: module and no Redis client, and the bundle mints in a V8 context that has only the web
// platform's globals (no process, require, Buffer or fetch of Node's), as on an edge runtime.
import { build } from "esbuild";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";

async function bundle(entry: string) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: "iife",
    globalName: "entry",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["import", "default"],
    logLevel: "silent",
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

/** The web platform's globals an edge runtime offers; nothing of Node's. */
function edgeGlobals(fetchStub: typeof fetch) {
  return {
    Request,
    Response,
    Headers,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    ReadableStream,
    AbortController,
    AbortSignal,
    DOMException,
    crypto,
    setTimeout,
    clearTimeout,
    console,
    fetch: fetchStub,
  };
}

describe("openrouter-connect/server without Node", () => {
  it("bundles with no node: module and no Redis client", async () => {
    for (const entry of ["src/server/index.ts", "src/server/redis.ts"]) {
      const { code, inputs } = await bundle(entry);
      expect(inputs.filter((input) => input.startsWith("node:") || /node_modules\/(redis|@redis)\//.test(input)), entry).toEqual([]);
      expect(code).not.toMatch(/\brequire\(|["']node:/);
    }
  });

  it("mints and refuses in a context with only web globals", async () => {
    const { code } = await bundle("src/server/index.ts");
    const upstream: Array<{ url: string; body: string }> = [];
    const fetchStub = (async (url: string, init: RequestInit) => {
      upstream.push({ url, body: String(init.body) });
      return new Response(JSON.stringify({ data: { id: "auth_code_edge", app_id: 1, created_at: "2030-01-01T00:00:00Z" } }), { status: 200, headers: { "Content-Type": "application/json" } });
    }) as typeof fetch;
    const sandbox: Record<string, unknown> = edgeGlobals(fetchStub);
    runInNewContext(`${code}\nglobalThis.server = entry;`, sandbox);
    expect(runInNewContext("typeof process + typeof require + typeof Buffer", sandbox)).toBe("undefinedundefinedundefined");

    const { createMintHandler } = sandbox.server as typeof import("../../src/server/index.js");
    const mint = createMintHandler({
      apiKey: "sk-or-v1-edge-app-key-0123456789",
      baseUrl: "https://openrouter.test/api/v1",
      authorize: () => ({ subject: "edge-user" }),
      policy: { maxLimit: 5, maxLifetimeSeconds: 3600, allowedOrigins: ["https://app.example"] },
      quota: { perSubject: { windowSeconds: 60, maxKeys: 1 } },
    });
    const request = () =>
      new Request("https://app.example/api/mint", {
        method: "POST",
        headers: { Origin: "https://app.example", "Content-Type": "application/json" },
        body: JSON.stringify({ callback_url: "https://app.example/cb", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" }),
      });
    const minted = await mint(request());
    expect(minted.status).toBe(200);
    expect(await minted.json()).toEqual({ data: { id: "auth_code_edge", app_id: 1, created_at: "2030-01-01T00:00:00Z" } });
    expect(upstream).toHaveLength(1);
    expect(JSON.parse(upstream[0]!.body)).toMatchObject({ limit: 5, code_challenge_method: "S256" });
    expect((await mint(request())).status).toBe(429);
  });
});
