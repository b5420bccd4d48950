// `npm run bench` (tsx scripts/bench.ts): the library's budgets as measured figures,
// each printed next to its budget; exits 1 when one is missed.
//
//  - size: min+gz bytes an app with react, react-dom and react-query already pays (scripts/size.mjs,
//    needs `npm run build` first; skipped with a note when dist/ is missing, or with --no-size);
//  - renders: React <Profiler> commits of ConnectButton through complete flows in jsdom, against
//    the emulator over real HTTP; budget: no commit without a status change (commits <= status
//    changes + the initial mount);
//  - PKCE: createPkcePair() pairs per second (S256, sequential awaits, WebCrypto);
//  - overhead: the library's own time from a code's arrival to the exchange request leaving, network
//    excluded (fetch is a stub that records performance.now() when called): from the popup's callback
//    message being delivered, from resume() on a redirect return, and from createAuthCode's answer in
//    the minted flow. Median and 95th percentile over many runs.
//  - the button's click in Chromium (scripts/bench-button.ts, needs dist/ and Chromium; --no-browser
//    skips it): from the click to the popup sent to the consent page, with the flow part prefetched
//    by hover and cold, median and worst of 20, beside the eager button's figures. Printed, not judged.
//  - mint handler: the server route's own time per mint (body, authorize, schema, policy, quota,
//    the client building the call and reading the answer), with the in-memory quota and with the
//    Redis quota (a route is never without a quota; Redis is a real redis-server on loopback, started
//    here, skipped with a note when it is missing). The handler runs in-process with a fetch stub that answers at once, so
//    OpenRouter's own time is excluded; p50 and p99.
//
// Options: --json (machine-readable), --no-size, --no-browser, --quick (fewer iterations).
// ------------------------------------------------------------------ a browser-like global scope
// jsdom ships no types (and @types/jsdom is not a dependency): a non-literal specifier keeps tsc out.
const JSDOM_MODULE: string = "jsdom";
const { JSDOM } = (await import(JSDOM_MODULE)) as {
  JSDOM: new (html: string, options: { url: string; pretendToBeVisual: boolean }) => { window: Window & typeof globalThis };
};
const dom = new JSDOM("<!doctype html><html><head></head><body></body></html>", {
  url: "http://localhost:5173/app",
  pretendToBeVisual: true,
});
{
  const g = globalThis as Record<string, unknown>;
  g.window = dom.window;
  for (const key of Object.getOwnPropertyNames(dom.window)) {
    if (key in g || key.startsWith("_")) continue;
    Object.defineProperty(g, key, { configurable: true, get: () => (dom.window as unknown as Record<string, unknown>)[key] });
  }
  // Measure what browsers do: no act() batching.
  g.IS_REACT_ACT_ENVIRONMENT = false;
}

const args = new Set(process.argv.slice(2));
const QUICK = args.has("--quick");

const React = await import("react");
const { createRoot } = await import("react-dom/client");
const { QueryClient, QueryClientProvider } = await import("@tanstack/react-query");
const lib = await import("../src/index.js");
const { startOpenRouterEmulator } = await import("../src/emulator/index.js");
const { ConnectButton, OpenRouterAuthProvider, createPkcePair, ConnectFlow, createOpenRouterAuthClient } = lib;
// Not in the package's API: what a page load forgets, for the next run in this same page.
const { resetCallbackState } = await import("../src/core/flow/callback.js");
type ConnectStatus = import("../src/index.js").ConnectStatus;

const h = React.createElement;

interface Row {
  group: string;
  metric: string;
  value: number;
  unit: string;
  budget: string;
  ok: boolean;
  note?: string;
}
const rows: Row[] = [];

// ------------------------------------------------------------------ helpers

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(1);
  }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function resetPage(): void {
  resetCallbackState();
  window.sessionStorage.clear();
  window.localStorage.clear();
  window.history.replaceState(null, "", "/app");
}

interface FakePopup {
  window: Window;
  navigatedTo?: string;
  closed: boolean;
}

/** window.open returns a stand-in popup (jsdom has no windows); it records where it is sent. */
function installPopup(): FakePopup {
  const state: FakePopup = { window: undefined as unknown as Window, closed: false };
  let atProvider = false;
  state.window = {
    get closed() {
      return state.closed;
    },
    location: {
      replace(url: string) {
        state.navigatedTo = url;
        atProvider = true;
      },
      get href() {
        if (atProvider) throw new DOMException("cross-origin", "SecurityError");
        return "about:blank";
      },
    },
    document: { title: "", body: { textContent: "" } },
    close() {
      state.closed = true;
    },
    focus() {},
  } as unknown as Window;
  window.open = (() => state.window) as typeof window.open;
  return state;
}

function deliverCallback(popup: FakePopup, code: string): void {
  const marker = JSON.parse(window.sessionStorage.getItem("openrouter-connect:popup") ?? "{}") as { attemptId?: string };
  window.dispatchEvent(
    new dom.window.MessageEvent("message", {
      origin: window.location.origin,
      source: popup.window as never,
      data: { type: "openrouter-connect:callback", attemptId: marker.attemptId, code },
    }),
  );
}

/** Approves on the emulator's consent page like a browser's form post; returns the code. */
async function approve(consentUrl: string): Promise<string> {
  const url = new URL(consentUrl);
  const form = new URLSearchParams(url.searchParams);
  form.set("decision", "approve");
  const response = await fetch(url.origin + url.pathname, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  const location = response.headers.get("Location");
  if (response.status !== 303 || !location) throw new Error(`bench: consent answered ${response.status}`);
  return new URL(location).searchParams.get("code") as string;
}

/** A fetch that answers at once, like OpenRouter on success, and stamps when each request leaves. */
function stubFetch() {
  const stamps = { createAnswered: 0, exchangeSent: 0 };
  let n = 0;
  const fetchStub = (async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.endsWith("/auth/keys/code")) {
      const body = JSON.stringify({ data: { id: `auth_code_bench_${++n}_${Math.random().toString(36).slice(2)}`, app_id: 1, created_at: "2030-01-01T00:00:00Z" } });
      const response = new Response(body, { status: 200, headers: { "Content-Type": "application/json" } });
      stamps.createAnswered = performance.now();
      return response;
    }
    stamps.exchangeSent = performance.now();
    return new Response(JSON.stringify({ key: `sk-or-v1-bench${n}`, user_id: null }), { status: 200, headers: { "Content-Type": "application/json" } });
  }) as typeof fetch;
  return { fetch: fetchStub, stamps };
}

interface Mounted {
  commits: Array<{ phase: string; state: string | undefined }>;
  statuses: ConnectStatus[];
  keys: string[];
  errors: unknown[];
  button: () => HTMLButtonElement;
  unmount: () => Promise<void>;
}

function mountButton(provider: Record<string, unknown>, props: Record<string, unknown>): Mounted {
  const container = document.createElement("div");
  document.body.appendChild(container);
  const root = createRoot(container);
  const m: Mounted = {
    commits: [],
    statuses: [],
    keys: [],
    errors: [],
    button: () => container.querySelector("button.orc-button") as HTMLButtonElement,
    unmount: async () => {
      root.unmount();
      container.remove();
      await sleep(1);
    },
  };
  const onRender = (_id: string, phase: string) => {
    m.commits.push({ phase, state: m.button()?.dataset.state });
  };
  root.render(
    h(
      QueryClientProvider,
      { client: new QueryClient() },
      h(
        OpenRouterAuthProvider,
        provider,
        h(
          React.Profiler,
          { id: "ConnectButton", onRender },
          h(ConnectButton, {
            ...props,
            onKey: (r: { key: string }) => void m.keys.push(r.key),
            onError: (e: unknown) => void m.errors.push(e),
            onStatusChange: (s: ConnectStatus) => void m.statuses.push(s),
          } as never),
        ),
      ),
    ),
  );
  return m;
}

function click(element: HTMLElement): void {
  element.dispatchEvent(new dom.window.MouseEvent("click", { bubbles: true, cancelable: true }));
}

// ------------------------------------------------------------------ renders (real emulator over HTTP)

async function benchRenders(): Promise<void> {
  const emulator = await startOpenRouterEmulator({ port: 0 });
  const provider = { baseUrl: emulator.apiBaseUrl, authUrl: emulator.authUrl, apiKey: emulator.apiKey };
  try {
    const flows: Array<{ name: string; run: () => Promise<Mounted> }> = [
      {
        name: "minted flow (mint={{ limit: 5 }})",
        run: async () => {
          const m = mountButton(provider, { mint: { limit: 5 } });
          await until(() => !!m.button(), "the button");
          await sleep(20);
          click(m.button());
          await until(() => m.keys.length === 1 || m.errors.length > 0, "the key");
          await sleep(50);
          return m;
        },
      },
      {
        name: "popup flow (default)",
        run: async () => {
          const popup = installPopup();
          const m = mountButton(provider, {});
          await until(() => !!m.button(), "the button");
          await sleep(20);
          click(m.button());
          await until(() => !!popup.navigatedTo, "the consent page");
          const code = await approve(popup.navigatedTo as string);
          await sleep(20);
          deliverCallback(popup, code);
          await until(() => m.keys.length === 1 || m.errors.length > 0, "the key");
          await sleep(50);
          return m;
        },
      },
      {
        name: "redirect return (mount with ?code=)",
        run: async () => {
          const pair = await createPkcePair();
          const client = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
          const { data } = await client.createAuthCode({ callbackUrl: "http://localhost:5173/app", codeChallenge: pair.codeChallenge, codeChallengeMethod: "S256" });
          window.sessionStorage.setItem(
            "openrouter-connect:redirect",
            JSON.stringify({ attemptId: "bench", codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256", callbackUrl: "http://localhost:5173/app", expiresAt: Date.now() + 60_000 }),
          );
          window.history.replaceState(null, "", `/app?code=${encodeURIComponent(data.id)}`);
          const m = mountButton(provider, {});
          await until(() => m.keys.length === 1 || m.errors.length > 0, "the key");
          await sleep(50);
          return m;
        },
      },
    ];
    for (const flow of flows) {
      resetPage();
      emulator.reset();
      const m = await flow.run();
      await m.unmount();
      if (m.errors.length) throw new Error(`bench: ${flow.name} failed: ${String(m.errors[0])}`);
      const exchanges = emulator.exchanges().length;
      const changes = m.statuses.length;
      const budget = changes + 1;
      rows.push({
        group: "renders",
        metric: `ConnectButton commits, ${flow.name}`,
        value: m.commits.length,
        unit: "commits",
        budget: `<= ${budget} (${changes} status changes + mount)`,
        ok: m.commits.length <= budget && exchanges === 1,
        note: `${((m.commits.length - 1) / Math.max(1, changes)).toFixed(2)} commits per status change after the mount; statuses ${["idle", ...m.statuses].join(" > ")}; data-state per commit ${m.commits.map((c) => c.state).join(", ")}; ${exchanges} exchange`,
      });
    }
  } finally {
    await emulator.close();
  }
}

// ------------------------------------------------------------------ PKCE

async function benchPkce(): Promise<void> {
  for (let i = 0; i < 200; i++) await createPkcePair(); // warm up
  const rounds: number[] = [];
  for (let r = 0; r < (QUICK ? 2 : 5); r++) {
    const n = QUICK ? 1_000 : 3_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) await createPkcePair();
    rounds.push((n * 1000) / (performance.now() - start));
  }
  const perSecond = Math.round(quantile(rounds, 0.5));
  rows.push({ group: "pkce", metric: "createPkcePair() pairs per second (S256, one at a time)", value: perSecond, unit: "pairs/s", budget: ">= 2,000", ok: perSecond >= 2_000, note: `median of ${rounds.length} rounds, ${(1000 / perSecond).toFixed(3)} ms per pair` });
}

// ------------------------------------------------------------------ code arrival -> exchange request

function overheadRow(metric: string, samples: number[], budgetMs: number): void {
  const median = quantile(samples, 0.5);
  const p95 = quantile(samples, 0.95);
  rows.push({
    group: "overhead",
    metric,
    value: Number(median.toFixed(3)),
    unit: "ms (median)",
    budget: `median <= ${budgetMs} ms`,
    ok: median <= budgetMs,
    note: `p95 ${p95.toFixed(3)} ms, max ${Math.max(...samples).toFixed(3)} ms, n=${samples.length}`,
  });
}

async function benchOverhead(): Promise<void> {
  const runs = QUICK ? 40 : 200;
  const warmup = 20;

  // Popup: from the callback message reaching the page to the exchange request leaving (ConnectButton).
  {
    const samples: number[] = [];
    for (let i = 0; i < runs + warmup; i++) {
      resetPage();
      const { fetch, stamps } = stubFetch();
      const popup = installPopup();
      const m = mountButton({ baseUrl: "https://openrouter.test/api/v1", authUrl: "https://openrouter.test/auth", fetch }, {});
      await until(() => !!m.button(), "the button");
      click(m.button());
      await until(() => m.statuses.includes("awaiting-approval"), "awaiting-approval");
      const t0 = performance.now();
      deliverCallback(popup, `auth_code_popup_${i}_${Math.random().toString(36).slice(2)}`);
      await until(() => m.keys.length === 1 || m.errors.length > 0, "the key");
      if (m.errors.length) throw new Error(`bench: popup run failed: ${String(m.errors[0])}`);
      if (i >= warmup) samples.push(stamps.exchangeSent - t0);
      await m.unmount();
    }
    overheadRow("popup: callback message delivered -> exchange request sent (ConnectButton)", samples, 5);
  }

  // Minted: from createAuthCode's answer to the exchange request leaving (ConnectButton).
  {
    const samples: number[] = [];
    for (let i = 0; i < runs + warmup; i++) {
      resetPage();
      const { fetch, stamps } = stubFetch();
      const m = mountButton({ baseUrl: "https://openrouter.test/api/v1", apiKey: "sk-or-v1-bench", fetch }, { mint: { limit: 1 } });
      await until(() => !!m.button(), "the button");
      click(m.button());
      await until(() => m.keys.length === 1 || m.errors.length > 0, "the key");
      if (m.errors.length) throw new Error(`bench: minted run failed: ${String(m.errors[0])}`);
      if (i >= warmup) samples.push(stamps.exchangeSent - stamps.createAnswered);
      await m.unmount();
    }
    overheadRow("minted: createAuthCode answered -> exchange request sent (ConnectButton)", samples, 5);
  }

  // Redirect return: from resume() reading ?code= to the exchange request leaving (core ConnectFlow, no React).
  {
    const samples: number[] = [];
    for (let i = 0; i < runs + warmup; i++) {
      resetPage();
      const { fetch, stamps } = stubFetch();
      const client = createOpenRouterAuthClient({ baseUrl: "https://openrouter.test/api/v1", fetch });
      const pair = await createPkcePair();
      window.sessionStorage.setItem(
        "openrouter-connect:redirect",
        JSON.stringify({ attemptId: `r${i}`, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256", callbackUrl: "http://localhost:5173/app", expiresAt: Date.now() + 60_000 }),
      );
      window.history.replaceState(null, "", `/app?code=auth_code_redirect_${i}_${Math.random().toString(36).slice(2)}`);
      let key: string | undefined;
      const flow = new ConnectFlow({ createAuthCode: client.createAuthCode, exchangeAuthCode: client.exchangeAuthCode, onKey: (r) => (key = r.key) });
      const t0 = performance.now();
      flow.resume();
      await until(() => key !== undefined, "the key");
      if (i >= warmup) samples.push(stamps.exchangeSent - t0);
    }
    overheadRow("redirect return: resume() -> exchange request sent (core ConnectFlow)", samples, 2);
  }
}

// ------------------------------------------------------------------ the mint handler's own time

async function benchMintHandler(): Promise<void> {
  const { createMintHandler, createMemoryQuotaStore } = await import("../src/server/index.js");
  const { createRedisQuotaStore } = await import("../src/server/redis.js");
  const { redisMissing, startRedis } = await import("../test/server/support.js");
  type Quota = import("../src/server/index.js").MintQuota;
  const origin = "https://app.example";
  const answer = JSON.stringify({ data: { id: "auth_code_bench", app_id: 1, created_at: "2030-01-01T00:00:00Z" } });
  // OpenRouter answering at once: what is left is the handler's own time.
  const fetchStub = (async () => new Response(answer, { status: 200, headers: { "Content-Type": "application/json" } })) as typeof fetch;
  const body = JSON.stringify({ callback_url: `${origin}/cb`, code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256", limit: 2, usage_limit_type: "daily" });
  // Rules no request reaches: every mint is counted, none refused.
  const rules = { perSubject: { windowSeconds: 3600, maxKeys: 1e9, maxExposure: 1e12 }, global: { windowSeconds: 3600, maxKeys: 1e9, maxExposure: 1e12 } };
  const runs = QUICK ? 300 : 2_000;
  const warmup = 200;

  async function measure(name: string, quota: Quota, budget: { p50: number; p99: number }, note: string): Promise<void> {
    const handler = createMintHandler({
      apiKey: "sk-or-v1-bench-app-key-0123456789",
      baseUrl: "https://openrouter.test/api/v1",
      fetch: fetchStub,
      authorize: (request) => ({ subject: request.headers.get("x-user") as string }),
      policy: { maxLimit: 5, maxLifetimeSeconds: 86_400, allowedOrigins: [origin] },
      quota,
    });
    const samples: number[] = [];
    for (let i = 0; i < runs + warmup; i++) {
      const request = new Request(`${origin}/api/mint`, { method: "POST", headers: { Origin: origin, "Content-Type": "application/json", "X-User": `user_${i % 100}` }, body });
      const t0 = performance.now();
      const response = await handler(request);
      await response.text();
      const ms = performance.now() - t0;
      if (response.status !== 200) throw new Error(`bench: the mint handler answered ${response.status}`);
      if (i >= warmup) samples.push(ms);
    }
    for (const [label, q, limit] of [["p50", 0.5, budget.p50], ["p99", 0.99, budget.p99]] as const) {
      const value = quantile(samples, q);
      rows.push({
        group: "server",
        metric: `mint handler's added latency, ${name} (${label})`,
        value: Number(value.toFixed(3)),
        unit: `ms (${label})`,
        budget: `<= ${limit} ms`,
        ok: value <= limit,
        note: label === "p50" ? `${note}; n=${samples.length}, max ${Math.max(...samples).toFixed(3)} ms` : undefined,
      });
    }
  }

  const stub = "in-process, fetch stub answering at once (OpenRouter's time excluded), 100 users";
  await measure("in-memory quota", { ...rules, store: createMemoryQuotaStore() }, { p50: 1, p99: 25 }, `${stub}; createMemoryQuotaStore, a per-user and a global rule`);
  if (redisMissing) {
    console.log(`mint handler with the Redis quota: skipped, ${redisMissing}`);
    return;
  }
  const redis = await startRedis();
  const { createClient } = await import("redis");
  const client = createClient({ url: redis.url });
  client.on("error", () => {});
  try {
    await client.connect();
    await measure("Redis quota", { ...rules, store: createRedisQuotaStore(client, { prefix: `bench:${process.pid}:` }) }, { p50: 2, p99: 25 }, `${stub}; createRedisQuotaStore on node-redis, redis-server ${redis.url} (loopback), one EVALSHA per mint`);
  } finally {
    await client.close().catch(() => {});
    await redis.stop();
  }
}

// ------------------------------------------------------------------ size

async function benchSize(): Promise<void> {
  const { existsSync } = await import("node:fs");
  if (args.has("--no-size")) return;
  if (!existsSync(new URL("../dist/index.js", import.meta.url))) {
    console.log("size: skipped, dist/ is missing (run `npm run build` first)");
    return;
  }
  const size = (await import(new URL("./size.mjs", import.meta.url).href)) as {
    CHECKS: Array<{ name: string; budget: number }>;
    measure: (check: unknown) => Promise<{ gzip: number; min: number }>;
  };
  for (const check of size.CHECKS) {
    const { gzip, min } = await size.measure(check);
    rows.push({ group: "size", metric: check.name, value: gzip, unit: "B min+gz", budget: `<= ${check.budget.toLocaleString("en-US")}`, ok: gzip <= check.budget, note: `${min.toLocaleString("en-US")} B minified` });
  }
}

// ------------------------------------------------------------------ run and print

await benchSize();
const clickTimings = args.has("--no-browser") ? "skipped (--no-browser)" : await (await import("./bench-button.js")).benchButtonClick({ runs: QUICK ? 5 : 20 });
if (typeof clickTimings !== "string") {
  const { EAGER_REFERENCE } = await import("./bench-button.js");
  for (const timing of clickTimings) {
    const eager = EAGER_REFERENCE[timing.case];
    rows.push({
      group: "click",
      metric: `ConnectButton click -> popup sent to the consent page, ${timing.case === "hover" ? "flow part prefetched by hover" : "cold (the click is the first interaction)"}, Chromium`,
      value: Number(timing.median.toFixed(1)),
      unit: "ms (median)",
      budget: "printed, not judged",
      ok: true,
      note: `worst ${timing.worst.toFixed(1)} ms of ${timing.runs}; from window.open's return ${timing.afterOpen.median.toFixed(1)} / ${timing.afterOpen.worst.toFixed(1)} ms; eager before the split ${eager.median} / ${eager.worst} ms (from window.open's return ${eager.afterOpen.median} / ${eager.afterOpen.worst} ms: ${EAGER_REFERENCE.source}); popup inside the click ${timing.insideClick}/${timing.runs}, flow part fetched ${timing.fetchedFlowPart}/${timing.runs}`,
    });
  }
} else console.log(`click -> consent page (Chromium): ${clickTimings}`);
await benchRenders();
await benchPkce();
await benchOverhead();
await benchMintHandler();

if (args.has("--json")) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const table = rows.map((r) => [r.group, r.metric, `${r.value.toLocaleString("en-US")} ${r.unit}`, r.budget, r.ok ? "ok" : "OVER BUDGET"]);
  const header = ["group", "metric", "measured", "budget", "ok"];
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const t of table) console.log(line(t));
  console.log("\nnotes:");
  for (const r of rows) if (r.note) console.log(`  ${r.metric}: ${r.note}`);
  console.log(`\nNode ${process.version}, React ${React.version} (development build, as <Profiler> needs), jsdom; ${(await import("node:os")).cpus().length} CPUs.`);

}

const missed = rows.filter((r) => !r.ok);
if (missed.length) console.error(`bench: ${missed.length} budget(s) missed: ${missed.map((r) => r.metric).join("; ")}`);
process.exit(missed.length ? 1 : 0);
