// The package as users meet it: `npm pack`, then a fresh project under the OS temp dir that
// installs the tarball with only the peer dependencies (react, react-dom, @tanstack/react-query,
// and msw for ./testing) plus its own dev tools (typescript, vite, @vitejs/plugin-react, types).
// For React 18.2 and React 19, in parallel:
//   1. exports:    every export of ".", "./core", "./server", "./emulator", "./testing" in the .d.ts
//                  files exists at runtime in Node, and every runtime export is typed;
//   2. typecheck:  tsc (moduleResolution Bundler, skipLibCheck false) on a TSX file using the API
//                  and a generated file importing every export; again with NodeNext for Node code;
//   3. ssr:        react-dom/server renders ConnectButton in plain Node (no window);
//   4. vite build: the page bundles with Vite and @vitejs/plugin-react;
//   5. chromium:   the built page against the emulator from the installed package
//                  (openrouter-connect/emulator): click, Approve in the popup, the key arrives,
//                  exactly one exchange.
// Prints PASS/FAIL per step and exits 1 on any failure. Needs `npm run build` first.
//
//   node scripts/consumer-check.mjs [--keep] [--only 18|19]
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium).
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pw from "playwright-core";
import { chromiumLaunchOptions } from "./chromium.mjs";
import ts from "typescript";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURE = join(ROOT, "scripts", "consumer");
const ENTRIES = [".", "./core", "./locales", "./server", "./server/redis", "./emulator", "./testing"];

const argv = process.argv.slice(2);
const KEEP = argv.includes("--keep");
const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined;

// Versions the project's own toolchain uses (see package.json); React and its types per variant.
const devPkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const dev = (name) => devPkg.devDependencies[name];
const VARIANTS = [
  { id: "18", label: "React 18.2", react: "18.2.0", typesReact: "^18.2", typesReactDom: "^18.2" },
  { id: "19", label: "React 19", react: dev("react"), typesReact: dev("@types/react"), typesReactDom: dev("@types/react-dom") },
].filter((v) => !only || v.id === only);

const started = Date.now();
const results = [];
function report(variant, step, ok, detail = "") {
  results.push({ variant: variant?.label ?? "package", step, ok });
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`${ok ? "PASS" : "FAIL"} ${seconds}s  [${variant?.label ?? "package"}] ${step}${detail ? `: ${detail}` : ""}`);
}

/** Runs a command; resolves with its output, rejects with the output's tail on failure or timeout. */
function run(cmd, args, { cwd, timeoutMs = 180_000, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${signal ?? code}\n${out.trim().split("\n").slice(-40).join("\n")}`));
    });
  });
}

// ------------------------------------------------------------------ exports, from the .d.ts files

/** Every export of each entry as the installed package's .d.ts files declare it: name, value or type-only. */
function declaredExports(project) {
  const pkgDir = join(project, "node_modules", "openrouter-connect");
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const files = ENTRIES.map((entry) => {
    const types = pkg.exports?.[entry]?.types;
    if (!types) throw new Error(`package.json exports has no "types" for "${entry}"`);
    const file = join(pkgDir, types);
    if (!existsSync(file)) throw new Error(`"${entry}" declares types ${types}, which the tarball lacks`);
    return file;
  });
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  return ENTRIES.map((entry, i) => {
    const source = program.getSourceFile(files[i]);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`cannot read ${files[i]}`);
    const exports = checker.getExportsOfModule(moduleSymbol).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return { name: symbol.getName(), value: (target.flags & ts.SymbolFlags.Value) !== 0 };
    });
    return { entry, specifier: entry === "." ? "openrouter-connect" : `openrouter-connect/${entry.slice(2)}`, exports };
  });
}

/** src/all-exports.ts: imports every value (and uses it) and re-exports every type of every entry. */
function writeAllExports(project, declared) {
  const lines = ["// Generated by scripts/consumer-check.mjs from the installed .d.ts files: every export of every entry.", ""];
  declared.forEach(({ specifier, exports }, i) => {
    const ns = `E${i}`;
    const values = exports.filter((e) => e.value).map((e) => e.name);
    const types = exports.filter((e) => !e.value).map((e) => e.name);
    lines.push(`import * as ${ns} from "${specifier}";`);
    lines.push(`export const ${ns}_values = [${values.map((n) => `${ns}.${n}`).join(", ")}] as const;`);
    if (types.length) lines.push(`export type { ${types.map((n) => `${n} as ${ns}_${n}`).join(", ")} } from "${specifier}";`);
    lines.push("");
  });
  writeFileSync(join(project, "src", "all-exports.ts"), lines.join("\n"));
}

/** In Node, from the consumer project: the runtime exports of each entry must be exactly the declared values. */
async function checkRuntimeExports(project, declared) {
  const script = [
    `const entries = ${JSON.stringify(declared.map((d) => d.specifier))};`,
    "const out = {};",
    "for (const s of entries) out[s] = Object.keys(await import(s)).sort();",
    "console.log(JSON.stringify(out));",
  ].join("\n");
  writeFileSync(join(project, "runtime-exports.mjs"), script);
  const output = await run(process.execPath, ["runtime-exports.mjs"], { cwd: project, timeoutMs: 60_000 });
  const runtime = JSON.parse(output.trim().split("\n").at(-1));
  const problems = [];
  for (const { specifier, exports } of declared) {
    const typed = new Set(exports.filter((e) => e.value).map((e) => e.name));
    const actual = new Set(runtime[specifier]);
    for (const name of typed) if (!actual.has(name)) problems.push(`${specifier}: "${name}" is declared but missing at runtime`);
    for (const name of actual) if (!typed.has(name)) problems.push(`${specifier}: "${name}" exists at runtime but has no type`);
  }
  if (problems.length) throw new Error(problems.join("\n"));
  return declared.map((d) => `${d.specifier.replace("openrouter-connect", ".")} ${d.exports.filter((e) => e.value).length}+${d.exports.filter((e) => !e.value).length}`).join(", ");
}

// ------------------------------------------------------------------ the popup flow in Chromium

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".json": "application/json" };

async function serveStatic(root, configJs) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === "/config.js") {
      res.writeHead(200, { "Content-Type": TYPES[".js"], "Cache-Control": "no-store" });
      return res.end(configJs);
    }
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || file.endsWith(sep)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function popupFlowInChromium(project) {
  // The emulator as a user's test would start it: resolved from the consumer project's node_modules.
  const require = createRequire(join(project, "package.json"));
  const { startOpenRouterEmulator } = await import(pathToFileURL(require.resolve("openrouter-connect/emulator")).href);
  const emulator = await startOpenRouterEmulator({ port: 0 });
  const site = await serveStatic(join(project, "dist"), `window.__CONSUMER__ = ${JSON.stringify({ authUrl: emulator.authUrl, baseUrl: emulator.apiBaseUrl })};\n`);
  const browser = await pw.chromium.launch({ ...chromiumLaunchOptions(), headless: true });
  try {
    const page = await (await browser.newContext()).newPage();
    const pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(site.url);
    const button = page.getByRole("button", { name: "Connect OpenRouter" });
    await button.waitFor({ timeout: 15_000 });
    const [popup] = await Promise.all([page.waitForEvent("popup", { timeout: 15_000 }), button.click()]);
    await popup.getByRole("button", { name: "Approve" }).click({ timeout: 15_000 });
    const shown = page.getByTestId("key");
    await shown.filter({ hasText: /^\d+:.{4}$/ }).waitFor({ timeout: 15_000 }).catch(async () => {
      throw new Error(`no key on the page; error shown: "${await page.getByTestId("error").textContent()}"`);
    });
    const text = await shown.textContent();
    const exchanges = emulator.exchanges();
    if (exchanges.length !== 1) throw new Error(`expected exactly one exchange, the emulator saw ${exchanges.length}`);
    const [exchange] = exchanges;
    if (exchange.outcome !== "ok" || !exchange.key) throw new Error(`the exchange failed: ${exchange.outcome} ${exchange.detail}`);
    if (text !== `${exchange.key.length}:${exchange.key.slice(-4)}`) throw new Error(`the page shows "${text}", the emulator issued a key ending in ${exchange.key.slice(-4)}`);
    if (!popup.isClosed()) await popup.waitForEvent("close", { timeout: 5_000 });
    await page.waitForTimeout(200);
    if (pageErrors.length) throw new Error(`errors on the page: ${pageErrors.join("; ")}`);
    if (emulator.exchanges().length !== 1) throw new Error("a second exchange happened after the key arrived");
    return `key ${text} shown, 1 exchange, popup closed`;
  } finally {
    await browser.close();
    await site.close();
    await emulator.close();
  }
}

// ------------------------------------------------------------------ one consumer project

async function checkVariant(variant, tarball, base) {
  const project = join(base, `react-${variant.id}`);
  cpSync(FIXTURE, project, { recursive: true });
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify(
      {
        name: `consumer-react-${variant.id}`,
        private: true,
        type: "module",
        dependencies: {
          "openrouter-connect": `file:${relative(project, tarball).split(sep).join("/")}`,
          react: variant.react,
          "react-dom": variant.react,
          "@tanstack/react-query": dev("@tanstack/react-query"),
          msw: dev("msw"),
        },
        devDependencies: {
          typescript: dev("typescript"),
          vite: dev("vite"),
          "@vitejs/plugin-react": dev("@vitejs/plugin-react"),
          "@types/react": variant.typesReact,
          "@types/react-dom": variant.typesReactDom,
          "@types/node": dev("@types/node"),
        },
      },
      null,
      2,
    ),
  );

  const steps = [
    ["npm install (tarball + peers only)", async () => {
      await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: project, timeoutMs: 240_000 });
      const installed = (name) => JSON.parse(readFileSync(join(project, "node_modules", name, "package.json"), "utf8")).version;
      const extra = ["zod"].filter((name) => !existsSync(join(project, "node_modules", name)));
      if (extra.length) throw new Error(`dependencies missing after install: ${extra.join(", ")}`);
      return `react ${installed("react")}, react-dom ${installed("react-dom")}, @types/react ${installed("@types/react")}, react-query ${installed("@tanstack/react-query")}`;
    }],
    ["exports: every declared export exists in Node, every runtime export is typed", async () => {
      const declared = declaredExports(project);
      writeAllExports(project, declared);
      return `values+types per entry: ${await checkRuntimeExports(project, declared)}`;
    }],
    ["typecheck (Bundler resolution, TSX, skipLibCheck false)", () => run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], { cwd: project }).then(() => "")],
    ["typecheck (NodeNext resolution, Node entries)", () => run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.node.json"], { cwd: project }).then(() => "")],
    ["server render with react-dom/server in plain Node", async () => (await run(process.execPath, ["ssr.mjs"], { cwd: project, timeoutMs: 60_000 })).trim().split("\n").at(-1)],
    ["vite build", async () => {
      await run(process.execPath, ["node_modules/vite/bin/vite.js", "build"], { cwd: project });
      return "";
    }],
    ["Chromium: click, Approve in the popup, key arrives (emulator from the installed package)", () => popupFlowInChromium(project)],
  ];
  for (const [name, step] of steps) {
    try {
      report(variant, name, true, await step());
    } catch (error) {
      report(variant, name, false, error instanceof Error ? error.message : String(error));
      return false;
    }
  }
  return true;
}

// ------------------------------------------------------------------ main

async function main() {
  if (!existsSync(join(ROOT, "dist", "index.js"))) {
    report(undefined, "dist/ present", false, "run `npm run build` first");
    process.exit(1);
  }
  const base = mkdtempSync(join(tmpdir(), "openrouter-connect-consumer-"));
  let ok = false;
  try {
    // `prepack` (the build) prints to stdout before npm's JSON: read from the JSON's first line on.
    const output = await run("npm", ["pack", "--json", "--pack-destination", base, "--loglevel=error"], { cwd: ROOT });
    const packed = JSON.parse(output.slice(Math.max(0, output.search(/^\[/m))));
    const tarball = join(base, packed[0].filename);
    const files = packed[0].files.map((f) => f.path);
    const missing = ENTRIES.flatMap((entry) => Object.values(devPkg.exports[entry] ?? {})).map((p) => p.replace(/^\.\//, "")).filter((p) => !files.includes(p));
    if (missing.length) throw new Error(`the tarball lacks files package.json exports: ${missing.join(", ")}`);
    const leaked = files.filter((f) => /^(src|test|scripts)\/|\.test\.|\.map$|\.tsbuildinfo$/.test(f));
    if (leaked.length) throw new Error(`the tarball ships files users don't need: ${leaked.slice(0, 5).join(", ")}`);
    report(undefined, "npm pack", true, `${packed[0].filename}, ${files.length} files, ${(packed[0].size / 1024).toFixed(1)} kB packed`);
    const outcomes = await Promise.all(VARIANTS.map((variant) => checkVariant(variant, tarball, base)));
    ok = outcomes.every(Boolean);
  } catch (error) {
    report(undefined, "npm pack", false, error instanceof Error ? error.message : String(error));
  } finally {
    if (KEEP || !ok) console.log(`consumer projects kept in ${base}`);
    else rmSync(base, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`\nconsumer check: ${failed.length ? "FAIL" : "PASS"} (${results.length - failed.length}/${results.length} steps passed, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  process.exit(failed.length ? 1 : 0);
}

await main();
