// `npm run test:next`: the Next.js example (examples/next-app) as a user gets it, proven end to end.
//   1. pack:     `npm pack` (prepack builds dist/) into a temp dir;
//   2. install:  a copy of the example installs that tarball instead of `file:../..`, with the
//                example's own lockfile for everything else (next, react, …);
//   3. client modules: in the installed dist/, only React modules carry 'use client', and every
//                module that uses hooks or react-query at run time does;
//   4. build:    `next build` (Turbopack), whose TypeScript step must run;
//   5. the emulator from the installed package, then `next start` pointed at it:
//      - the HTML as served: the Server Component's text, the client component's buttons and
//        their stylesheet, a session cookie (HttpOnly, SameSite=Lax);
//      - the mint and exchange routes refuse a foreign Origin and a request without a session;
//      - Chromium runs popup, redirect, minted and server exchange, each in a fresh browser
//        context: exactly one exchange per flow, the page shows that key's hint, no console error
//        or warning, no page error, no hydration message; in server-exchange mode the key is
//        nowhere the page can reach (DOM, storage, cookies, URLs, console, response bodies);
//   6. the same four flows against `next dev` (StrictMode: effects run twice);
//   7. `next build` with a type error added must fail.
// Prints PASS/FAIL per step and the install, build and test times; exits 1 on any failure.
//
//   node scripts/next-example.mjs [--keep]      (--keep: leave the temp project for a look)
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pw from "playwright-core";
import { chromiumLaunchOptions } from "./chromium.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const EXAMPLE = join(ROOT, "examples", "next-app");
const KEEP = process.argv.includes("--keep");
/** Every wait in the browser: generous for a loaded 2-core box, finite all the same. */
const UI_TIMEOUT_MS = 20_000;
/** After a flow connected, how long a second exchange gets to show up (StrictMode, a remount). */
const SETTLE_MS = 500;

const started = Date.now();
const results = [];
const times = {};
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function report(step, ok, detail = "") {
  results.push({ step, ok });
  const at = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`${ok ? "PASS" : "FAIL"} ${at}s  ${step}${detail ? `: ${detail}` : ""}`);
}

/** Runs a command to its end; rejects with the output's tail on failure or timeout (its process group killed). */
function run(cmd, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => killGroup(child), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${signal ?? code}${signal ? ` (timeout ${seconds(timeoutMs)}?)` : ""}\n${tail(out)}`));
    });
  });
}

const tail = (text, lines = 40) => text.trim().split("\n").slice(-lines).join("\n");

/** Ends a process we started, with everything it started (it leads its own process group). */
function killGroup(child, signal = "SIGKILL") {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const walk = (dir) => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));

// ------------------------------------------------------------------ pack, copy, install

async function pack(base) {
  // `prepack` (the build) prints before npm's JSON: read from the JSON's first line on.
  const output = await run("npm", ["pack", "--json", "--pack-destination", base, "--loglevel=error"], { cwd: ROOT, timeoutMs: 180_000 });
  const [packed] = JSON.parse(output.slice(Math.max(0, output.search(/^\[/m))));
  return { tarball: join(base, packed.filename), detail: `${packed.filename}, ${packed.files.length} files, ${(packed.size / 1024).toFixed(1)} kB` };
}

/** The example as a user's project: its files (no build output, no node_modules), the tarball as its dependency. */
function copyExample(base, tarball) {
  const project = join(base, "next-app");
  const skip = new Set(["node_modules", ".next", "next-env.d.ts"]);
  cpSync(EXAMPLE, project, { recursive: true, filter: (source) => !skip.has(basename(source)) && !source.endsWith(".tsbuildinfo") });
  const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
  if (manifest.dependencies["openrouter-connect"] !== "file:../..") throw new Error(`the example should depend on file:../.., not ${manifest.dependencies["openrouter-connect"]}`);
  manifest.dependencies["openrouter-connect"] = `file:${relative(project, tarball).split(sep).join("/")}`;
  writeFileSync(join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return project;
}

async function install(project, tarball) {
  const begin = Date.now();
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: project, timeoutMs: 600_000 });
  times.install = Date.now() - begin;
  const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"));
  const installed = lock.packages["node_modules/openrouter-connect"];
  if (!installed?.resolved?.endsWith(basename(tarball))) throw new Error(`openrouter-connect did not come from the tarball: ${JSON.stringify(installed?.resolved)}`);
  const version = (name) => JSON.parse(readFileSync(join(project, "node_modules", name, "package.json"), "utf8")).version;
  return `${seconds(times.install)}; next ${version("next")}, react ${version("react")}, react-query ${version("@tanstack/react-query")}, openrouter-connect ${version("openrouter-connect")} from the tarball`;
}

// ------------------------------------------------------------------ 'use client' in the installed package

function checkClientDirectives(project) {
  const dist = join(project, "node_modules", "openrouter-connect", "dist");
  const directive = /^\s*["']use client["'];?/;
  // Hooks, context or react-query at run time (type-only imports are gone from the .js). JSX
  // alone (react/jsx-runtime) renders on the server too: OpenRouterIcon needs no directive.
  const importsReact = /^\s*import\s[^;]*?from\s*["'](react|react-dom|react-dom\/client|@tanstack\/react-query)["']/m;
  const problems = [];
  let client = 0;
  for (const file of walk(dist).filter((f) => f.endsWith(".js"))) {
    const name = relative(dist, file).split(sep).join("/");
    const source = readFileSync(file, "utf8");
    const marked = directive.test(source);
    if (marked) client++;
    if (marked && !name.startsWith("react/")) problems.push(`${name} carries 'use client' outside dist/react`);
    if (!marked && importsReact.test(source)) problems.push(`${name} uses React's hooks or react-query but has no 'use client'`);
  }
  if (problems.length) throw new Error(problems.join("; "));
  if (client === 0) throw new Error("no module carries 'use client'");
  return `${client} client modules, all in dist/react, and every module with hooks among them; index.js, core, server, emulator and testing have none`;
}

// ------------------------------------------------------------------ next build, next start

async function build(project) {
  const begin = Date.now();
  const output = await run(process.execPath, ["node_modules/next/dist/bin/next", "build"], { cwd: project, env: { NEXT_TELEMETRY_DISABLED: "1" }, timeoutMs: 600_000 });
  times.build = Date.now() - begin;
  // The type check is what makes a type error fail the build: it must have run.
  if (!/Finished TypeScript|Checking validity of types/.test(output) || /Skipping validation of types/.test(output)) {
    throw new Error(`next build did not type-check:\n${tail(output)}`);
  }
  const routes = output.match(/^[┌├└]\s+\S+\s+\S+/gm) ?? [];
  const compiled = output.match(/Compiled successfully in ([\d.]+m?s)/)?.[1];
  const typescript = output.match(/Finished TypeScript in ([\d.]+m?s)/)?.[1];
  return `${seconds(times.build)} (compile ${compiled ?? "?"}, TypeScript ${typescript ?? "?"}); ${routes.map((r) => r.replace(/^[┌├└]\s+/, "")).join(", ")}`;
}

/**
 * `next start` (or `next dev`) on a free loopback port, pointed at the emulator as a user would
 * point it at OpenRouter; resolves once the page answers. `next dev` compiles on the first request.
 */
async function serve(project, emulator, command) {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", command, "-p", String(port), "-H", "127.0.0.1"], {
    cwd: project,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", OPENROUTER_URL: emulator.url, OPENROUTER_API_KEY: emulator.apiKey, APP_URL: appUrl },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const server = { url: appUrl, child, output: () => output };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next ${command} exited ${child.exitCode}\n${tail(output)}`);
    try {
      const answer = await fetch(appUrl, { signal: AbortSignal.timeout(60_000) });
      if (answer.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(`next ${command} did not answer within 120 s\n${tail(output)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Stops a server started by `serve` and waits until it is gone. */
async function stopServer(server) {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  const gone = new Promise((resolve) => server.child.once("exit", resolve));
  killGroup(server.child, "SIGTERM");
  const timer = setTimeout(() => killGroup(server.child), 5_000);
  await gone;
  clearTimeout(timer);
}

/** With a type error in the project, `next build` must fail: TypeScript checking is on. */
async function buildFailsOnTypeError(project) {
  const probe = join(project, "app", "type-error-probe.ts");
  writeFileSync(probe, 'export const notANumber: number = "a string";\n');
  const begin = Date.now();
  try {
    await run(process.execPath, ["node_modules/next/dist/bin/next", "build"], { cwd: project, env: { NEXT_TELEMETRY_DISABLED: "1" }, timeoutMs: 600_000 });
  } catch (error) {
    times.typeError = Date.now() - begin;
    if (!/type-error-probe\.ts.*TS2322/.test(error.message)) throw new Error(`next build failed, but not on the type error:\n${error.message}`, { cause: error });
    return `failed in ${seconds(times.typeError)} on app/type-error-probe.ts: TS2322`;
  } finally {
    rmSync(probe, { force: true });
  }
  throw new Error("next build passed with a type error in app/type-error-probe.ts");
}

/**
 * The server's HTML, before any script runs: the Server Component's text, the client component's
 * buttons rendered on the server, their stylesheet (no flash before hydration), a new session cookie.
 */
async function checkServerRender(app) {
  const answer = await fetch(app.url, { headers: { Accept: "text/html" } });
  const html = await answer.text();
  const expected = {
    "the page's heading": "<h1>Connect OpenRouter</h1>",
    "the popup button": "Connect OpenRouter</span></button>",
    "the server-exchange button": "Connect, key on the server</span></button>",
    "the Server Component's stored-key line": "No key stored on the server for this session.",
    "the button's stylesheet": ".orc:not(:where([data-unstyled]))",
  };
  const missing = Object.entries(expected).filter(([, text]) => !html.includes(text)).map(([what]) => what);
  if (answer.status !== 200 || missing.length) throw new Error(`HTTP ${answer.status}; missing ${missing.join(", ")}`);
  const cookie = answer.headers.getSetCookie().find((c) => c.startsWith("demo_session="));
  if (!cookie || !/;\s*HttpOnly/i.test(cookie) || !/;\s*SameSite=Lax/i.test(cookie)) throw new Error(`session cookie: ${cookie?.replace(/=[^;]+/, "=…")}`);
  return `${(html.length / 1024).toFixed(1)} kB of HTML with ${Object.keys(expected).join(", ")}; Set-Cookie demo_session HttpOnly, SameSite=Lax`;
}

/** The routes fail closed: another site's page, or a request without a session, gets nothing. */
async function checkRoutesRefuse(app) {
  const outcomes = [];
  for (const route of ["mint", "exchange"]) {
    const url = `${app.url}/api/openrouter/${route}`;
    const body = route === "mint" ? { callback_url: `${app.url}/`, limit: 1 } : { code: "x", codeVerifier: "v".repeat(43), codeChallengeMethod: "S256" };
    // A session cookie of the shape the app hands out, so only the checked gate can refuse.
    const session = `demo_session=${"A".repeat(43)}`;
    const cases = [
      ["foreign Origin", { Origin: "https://evil.example", Cookie: session }],
      ["no session", { Origin: app.url }],
    ];
    for (const [name, headers] of cases) {
      const answer = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
      if (answer.status !== 403) throw new Error(`${route} with ${name}: HTTP ${answer.status}, expected 403`);
      outcomes.push(`${route}/${name} 403`);
    }
  }
  return outcomes.join(", ");
}

// ------------------------------------------------------------------ Chromium

/** Everything a browser context shows: console messages, page errors, requests and response bodies. */
function watch(context) {
  const seen = { console: [], errors: [], urls: [], bodies: [], pending: [] };
  context.on("console", (message) => seen.console.push({ type: message.type(), text: message.text(), where: message.location().url }));
  context.on("weberror", (error) => seen.errors.push(String(error.error()?.stack ?? error.error())));
  context.on("request", (request) => seen.urls.push(request.url()));
  context.on("response", (response) => {
    seen.pending.push(
      response.body().then(
        (body) => seen.bodies.push({ url: response.url(), text: body.toString("utf8") }),
        () => undefined, // redirects and aborted loads have no body
      ),
    );
  });
  return seen;
}

/** Every response body read so far, within a deadline (a stream that never ends must not hang the run). */
async function bodiesRead(seen) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`response bodies not read within ${UI_TIMEOUT_MS} ms`)), UI_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all(seen.pending), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** What must never show up: errors, warnings, hydration messages. */
function problemsIn(seen) {
  const problems = seen.errors.map((e) => `page error: ${e.split("\n")[0]}`);
  for (const { type, text, where } of seen.console) {
    if (type === "error" || type === "warning" || /hydrat/i.test(text)) problems.push(`console ${type} (${where || "no location"}): ${text.split("\n")[0]}`);
  }
  return problems;
}

/** The page is interactive: React has hydrated its buttons (before that a click does nothing). */
async function hydrated(page) {
  await page.waitForFunction(
    () => {
      const buttons = [...document.querySelectorAll("button")];
      return buttons.length > 0 && buttons.every((button) => Object.keys(button).some((key) => key.startsWith("__reactFiber")));
    },
    undefined,
    { timeout: UI_TIMEOUT_MS, polling: 50 },
  );
}

/**
 * Runs one flow in a fresh context and checks what every flow must: one successful exchange, the
 * page showing that key's hint, nothing on the console. `act` drives it and returns where the hint shows.
 */
async function flow(browser, app, emulator, maskKey, name, act) {
  const context = await browser.newContext();
  const seen = watch(context);
  try {
    const page = await context.newPage();
    const before = emulator.exchanges().length;
    await page.goto(app.url);
    await hydrated(page);
    const { hintLocator, prefix, extra } = await act(page, context);
    await hintLocator.waitFor({ timeout: UI_TIMEOUT_MS }).catch(async () => {
      throw new Error(`no key hint in time; the page says: ${(await page.locator("main").innerText()).replace(/\s+/g, " ").slice(0, 400)}`);
    });
    await page.waitForTimeout(SETTLE_MS);
    const exchanges = emulator.exchanges().slice(before);
    if (exchanges.length !== 1) throw new Error(`${exchanges.length} exchanges, expected exactly 1: ${exchanges.map((e) => e.outcome).join(", ")}`);
    const [exchange] = exchanges;
    if (exchange.outcome !== "ok" || !exchange.key) throw new Error(`the exchange failed: ${exchange.outcome} ${exchange.detail ?? ""}`);
    const shown = (await hintLocator.innerText()).trim();
    const expected = `${prefix} ${maskKey(exchange.key)}`;
    if (shown !== expected) throw new Error(`the page shows "${shown}", expected "${expected}"`);
    if (/[?&](code|error)=/.test(page.url())) throw new Error(`the callback's parameters are still in the address: ${page.url()}`);
    const more = extra ? await extra({ page, context, seen, key: exchange.key }) : "";
    await bodiesRead(seen);
    // The app's own OpenRouter key (the mint route's) never reaches a page of the app.
    const leaked = seen.bodies.filter((b) => b.url.startsWith(app.url) && b.text.includes(emulator.apiKey)).map((b) => b.url);
    if (leaked.length) throw new Error(`the app's OpenRouter key is in ${leaked.join(", ")}`);
    const problems = problemsIn(seen);
    if (problems.length) throw new Error(problems.join("; "));
    return `key ${maskKey(exchange.key)} shown, 1 exchange, console clean${more ? `; ${more}` : ""}`;
  } finally {
    await context.close();
  }
}

/** In server-exchange mode: the key in none of what the page could read. */
async function keyAbsent({ page, context, seen, key }) {
  // Reloaded, the Server Component still shows the stored hint: the session and the store hold it.
  await page.reload();
  await hydrated(page);
  const stored = page.getByRole("region", { name: "Key stays on the server" }).getByText("Stored on the server for this session:");
  await stored.waitFor({ timeout: UI_TIMEOUT_MS });
  await bodiesRead(seen);
  const places = {
    DOM: await page.content(),
    storage: await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })),
    cookies: JSON.stringify(await context.cookies()),
    URLs: [page.url(), ...seen.urls].join("\n"),
    console: seen.console.map((m) => m.text).join("\n"),
    "response bodies": seen.bodies.map((b) => b.text).join("\n"),
  };
  const found = Object.entries(places).filter(([, text]) => text.includes(key));
  if (found.length) throw new Error(`the key is in the page's reach: ${found.map(([where]) => where).join(", ")}`);
  const cookie = (await context.cookies()).find((c) => c.name === "demo_session");
  if (!cookie?.httpOnly || cookie.sameSite !== "Lax") throw new Error(`the session cookie should be HttpOnly and SameSite=Lax: ${JSON.stringify({ ...cookie, value: undefined })}`);
  return `key absent from DOM, storage, cookies, ${seen.urls.length} URLs, console and ${seen.bodies.length} response bodies; session cookie HttpOnly, SameSite=Lax`;
}

async function browserFlows(app, emulator, maskKey, command) {
  let browser;
  try {
    browser = await pw.chromium.launch({ ...chromiumLaunchOptions(), headless: true });
  } catch (error) {
    report(`Chromium (next ${command}) launch`, false, error instanceof Error ? error.message : String(error));
    return false;
  }
  const region = (page, name) => page.getByRole("region", { name, exact: true });
  const browserHint = (page, name) => ({ hintLocator: region(page, name).getByText(/^Key in this browser:/), prefix: "Key in this browser:" });
  const approveInPopup = async (page, section, label) => {
    const [popup] = await Promise.all([page.waitForEvent("popup", { timeout: UI_TIMEOUT_MS }), section.getByRole("button", { name: label }).click()]);
    await popup.getByRole("button", { name: "Approve" }).click({ timeout: UI_TIMEOUT_MS });
    return popup;
  };
  const waitClosed = async (popup) => {
    if (!popup.isClosed()) await popup.waitForEvent("close", { timeout: UI_TIMEOUT_MS });
  };
  const flows = [
    ["popup: Approve in the popup, the key comes to this page", async (page) => {
      const popup = await approveInPopup(page, region(page, "Popup"), "Connect OpenRouter");
      return { ...browserHint(page, "Popup"), extra: async () => (await waitClosed(popup), "popup closed itself") };
    }],
    ["redirect: this tab goes to OpenRouter and comes back", async (page) => {
      await region(page, "Redirect").getByRole("button", { name: "Connect in this tab" }).click();
      await page.getByRole("button", { name: "Approve" }).click({ timeout: UI_TIMEOUT_MS });
      await page.waitForURL((url) => url.origin === app.url, { timeout: UI_TIMEOUT_MS });
      await hydrated(page);
      return browserHint(page, "Redirect");
    }],
    ["minted: the app's mint route creates the code, no window", async (page) => {
      const codes = emulator.codesIssued().length;
      await region(page, "Minted by this app's server").getByRole("button", { name: "Get a $1 monthly key" }).click();
      return {
        ...browserHint(page, "Minted by this app's server"),
        extra: async () => {
          const minted = emulator.codesIssued().slice(codes);
          const code = minted[0];
          if (minted.length !== 1 || code.source !== "minted") throw new Error(`expected one minted code, got ${JSON.stringify(minted)}`);
          if (code.limit !== 1 || code.usageLimitType !== "monthly" || !/^next-app:demo-[0-9a-f]{16}$/.test(code.keyLabel ?? "")) {
            throw new Error(`the minted code ignores the route's policy: ${JSON.stringify({ limit: code.limit, usageLimitType: code.usageLimitType, keyLabel: code.keyLabel })}`);
          }
          const lifetime = Date.parse(code.expiresAt ?? "") - Date.now();
          if (!(lifetime > 0 && lifetime <= 30 * 86_400_000)) throw new Error(`the minted key expires at ${code.expiresAt}, not within 30 days`);
          return `code minted with limit 1 monthly, label ${code.keyLabel.slice(0, 14)}…, expiring within 30 days`;
        },
      };
    }],
    ["server exchange: the app's exchange route keeps the key, the page shows its hint", async (page) => {
      const section = region(page, "Key stays on the server");
      const popup = await approveInPopup(page, section, "Connect, key on the server");
      return {
        hintLocator: section.getByText(/^Stored on the server for this session:/),
        prefix: "Stored on the server for this session:",
        extra: async (state) => {
          await waitClosed(popup);
          return keyAbsent(state);
        },
      };
    }],
  ];
  let ok = true;
  try {
    for (const [name, act] of flows) {
      try {
        report(`Chromium (next ${command}) ${name}`, true, await flow(browser, app, emulator, maskKey, name, act));
      } catch (error) {
        ok = false;
        report(`Chromium (next ${command}) ${name}`, false, error instanceof Error ? error.message : String(error));
      }
    }
  } finally {
    await browser.close();
  }
  return ok;
}

// ------------------------------------------------------------------ main

async function main() {
  const base = mkdtempSync(join(tmpdir(), "openrouter-connect-next-"));
  let emulator;
  let app;
  let ok = false;
  const stop = async () => {
    await stopServer(app);
    await emulator?.close();
  };
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      void stop().finally(() => process.exit(130));
    });
  }
  const step = async (name, fn) => {
    try {
      report(name, true, await fn());
      return true;
    } catch (error) {
      report(name, false, error instanceof Error ? error.message : String(error));
      return false;
    }
  };
  let tarball;
  let project;
  let maskKey;
  /** The four flows in Chromium against `next <command>`, each timed in times[timeKey]. */
  const flowsAgainst = async (command, timeKey) => {
    const ready = await step(`next ${command}`, async () => {
      const begin = Date.now();
      app = await serve(project, emulator, command);
      return `${app.url} answers after ${seconds(Date.now() - begin)}`;
    });
    if (!ready) return false;
    const begin = Date.now();
    const passed =
      (command === "dev" ||
        ((await step("server render (no JavaScript)", () => checkServerRender(app))) &&
          (await step("routes fail closed (foreign Origin, no session)", () => checkRoutesRefuse(app))))) &&
      (await browserFlows(app, emulator, maskKey, command));
    times[timeKey] = Date.now() - begin;
    if (!passed) console.log(`next ${command}'s output:\n${tail(app.output(), 30)}`);
    await stopServer(app);
    app = undefined;
    return passed;
  };
  try {
    ok =
      (await step("npm pack (prepack builds dist/)", async () => {
        const packed = await pack(base);
        tarball = packed.tarball;
        return packed.detail;
      })) &&
      (await step("npm install: the example with the tarball and its own lockfile", () => {
        project = copyExample(base, tarball);
        return install(project, tarball);
      })) &&
      (await step("'use client' only on client modules (installed dist/)", () => checkClientDirectives(project))) &&
      (await step("next build (TypeScript checked)", () => build(project))) &&
      (await step("emulator from the installed package", async () => {
        const installed = join(project, "node_modules", "openrouter-connect", "dist");
        const { startOpenRouterEmulator } = await import(pathToFileURL(join(installed, "emulator", "index.js")).href);
        ({ maskKey } = await import(pathToFileURL(join(installed, "core", "index.js")).href));
        // A key of this run, as a real one would come from the environment (not the emulator's well-known one).
        emulator = await startOpenRouterEmulator({ port: 0, apiKeys: [`sk-or-v1-ci-${randomBytes(24).toString("hex")}`] });
        return emulator.url;
      })) &&
      (await flowsAgainst("start", "test")) &&
      // Development too: StrictMode runs every effect twice, and React names hydration mismatches in full.
      (await flowsAgainst("dev", "devTest")) &&
      (await step("next build fails on a type error", () => buildFailsOnTypeError(project)));
  } finally {
    const begin = Date.now();
    await stop();
    if (KEEP || !ok) console.log(`project kept in ${base}`);
    else rmSync(base, { recursive: true, force: true });
    times.cleanup = Date.now() - begin;
  }
  const failed = results.filter((r) => !r.ok);
  const time = (key) => (times[key] ? seconds(times[key]) : "-");
  console.log(
    `\nNext.js example: ${failed.length || !ok ? "FAIL" : "PASS"} (${results.length - failed.length}/${results.length} steps) in ${seconds(Date.now() - started)}: ` +
      `install ${time("install")}, next build ${time("build")}, tests against next start ${time("test")}, against next dev ${time("devTest")}, failing build ${time("typeError")}, clean-up ${time("cleanup")}`,
  );
  process.exit(failed.length || !ok ? 1 : 0);
}

await main();
