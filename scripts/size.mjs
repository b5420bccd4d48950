// What an app pays for this package, minified and gzipped, when it already has
// react, react-dom and @tanstack/react-query. Measures the BUILT package (dist/,
// through its "exports" map, as a user's bundler sees it) with esbuild, the
// bundler behind size-limit's preset-small-lib, and gzip level 9, as size-limit
// does with `"gzip": true`. Prints a table and exits 1 when an entry is over budget.
// The two "ConnectButton before interaction / flow part" rows are a Vite production build of an
// app that renders only the button, cut into the chunks the browser loads (issue 17).
//
//   npm run build && node scripts/size.mjs [--json] [--why <entry name>]
//
// Budgets are written next to each entry below. "own code" rows mark zod external:
// that is the library's own code; the other rows include the zod/mini it uses.
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const kB = 1000;

/** Present in the app already: never counted. */
const HOST = ["react", "react/*", "react-dom", "react-dom/*", "@tanstack/react-query"];
const ZOD = ["zod", "zod/*"];

// Budgets: today's figure + ~2-4%, so a change that adds bytes has to raise its budget in review.
// Raised once by issues 12, 13 and 15 (the flow as a state machine, one module per mode; the
// exchange route and onConnected; the COOP hint; the messages table; https-only URLs, JSON by
// Content-Type, quota_exceeded, the error code list; Disconnect's keys link): ConnectButton's own
// code 11.5 -> 14.1 kB min+gz; the README's budget section lists where the bytes went.
// Raised by issue 14 (every word in the user's language): ConnectButton's own code 14,058 ->
// 14,778 B. 306 B of it are the new user texts, one per error code, with their keys (the user used to
// read error.message, which stays as the developer's detail); the rest is the table's merge (prop >
// provider > English), {balance}, the balance by locale without a hydration mismatch, the RTL styles.
// A locale costs only when imported: ConnectButton + de adds de's ~1 kB, no other row holds a locale.
// Issue 17 split the button: a first paint without the flow (<= 6,144 B, no zod), the flow part
// loaded on first interaction. esbuild without splitting (these rows) keeps both parts in one
// bundle and wraps every module the import() reaches in a lazy initializer (about 1 kB min+gz
// here, for the button, the whole package and the hook alike: it sees the import() in the
// package's graph), on top of the split's own code (the button's store before its flow exists,
// the load and its deadline, the window handed over, the callback hint, the flow part's entry,
// load_failed): ConnectButton 19,275 -> 21,698 B, useOpenRouterConnect 16,041 -> 17,272 B. A Vite
// app pays the rows below instead (README, "Budgets").
// The split's price in that Vite app, measured against EAGER_BUTTON_APP (18,844 B, one chunk) and
// trimmed once (ButtonFlow without its own copy of the part, one timer for the deadline, no
// forwarding of Cancel/paste; one memo for the button's texts): 21,747 -> 21,669 B in both chunks (21,638 B after later fixes).
// Of the 2,825 B over the one chunk: 511 B are gzip starting over in a second file (the two
// chunks concatenated gzip to 21,158 B); 624 B are Vite's preload helper (vite/preload-helper),
// which Vite wraps around every import() in an app's build, whatever its spelling, and which an app
// with any other lazy route already has; the rest (~1.7 kB) is the split's own code: the button's
// store before its flow exists (the click that waits with its window, the deadline, load_failed,
// each status once), the flow part's entry, the return-from-OpenRouter check, the registry and
// the loader, the provider's settings apart from its client. "in all" is budgeted so none of it
// grows unseen.
// Issue 6 first proposed 12 kB (with zod/mini) and 6 kB (own code) for the button. We measured
// those and did not adopt them: the PKCE core any validated flow needs is 4.2 kB own / 8.8 kB with
// zod, and the four headless flows 8.6 / 13.0 kB, before any UI (README, "Budgets"). The proposal
// is printed beside the two rows it was made for, with the gap.
const BUTTON = 'import { ConnectButton } from "openrouter-connect"; console.log(ConnectButton);';
const ALL = 'import * as all from "openrouter-connect"; console.log(all);';
const CORE = 'import * as core from "openrouter-connect/core"; console.log(core);';
// Where the button's bytes go: the least any validated PKCE flow needs (verifier + challenge, the
// consent URL, the HTTP client), then the headless flows (popup, redirect, paste, minted) on top of it.
const PKCE_MINIMUM =
  'import { createPkcePair, buildAuthorizationUrl, createOpenRouterAuthClient } from "openrouter-connect/core"; console.log(createPkcePair, buildAuthorizationUrl, createOpenRouterAuthClient);';
const HEADLESS = 'import { useOpenRouterConnect } from "openrouter-connect"; console.log(useOpenRouterConnect);';
// A custom flow or a server that only builds consent URLs: schemas it never reaches are dropped.
const CONSENT_URL = 'import { createPkcePair, buildAuthorizationUrl } from "openrouter-connect/core"; console.log(createPkcePair, buildAuthorizationUrl);';
// Translations (issue 14): an app pays for the locales it imports, and only for those.
const BUTTON_DE =
  'import { ConnectButton } from "openrouter-connect"; import { de } from "openrouter-connect/locales"; console.log(ConnectButton, de);';
const DE = 'import { de } from "openrouter-connect/locales"; console.log(de);';
const LOCALES = 'import * as locales from "openrouter-connect/locales"; console.log(locales);';
/** The locale modules among `files` (dist/locales/<name>.js), to check that none comes unasked. */
const localesOf = (files) =>
  files
    .map((file) => file.replace(/\\/g, "/").match(/dist\/locales\/([\w-]+)\.js$/)?.[1])
    .filter((name) => name && name !== "index")
    .sort();
/** The locale modules an esbuild bundle holds. */
const localesIn = (metafile) => localesOf(Object.keys(Object.values(metafile.outputs)[0].inputs));
export const CHECKS = [
  // Issue 17, as a Vite app ships it: see BUTTON_APP and viteBuild below.
  { name: "ConnectButton before interaction", vite: "initial", budget: 6_144, withoutZodModules: true },
  { name: "ConnectButton flow part", vite: "lazy", budget: 16.2 * kB },
  { name: "ConnectButton in all (both parts)", vite: "chunks", budget: 22.2 * kB },
  { name: "ConnectButton (with zod/mini)", code: BUTTON, budget: 22.4 * kB, proposed: 12 * kB },
  { name: "ConnectButton (own code)", code: BUTTON, budget: 17.3 * kB, proposed: 6 * kB, withoutZod: true },
  { name: 'whole package "." (with zod/mini)', code: ALL, budget: 24.3 * kB },
  { name: 'whole package "." (own code)', code: ALL, budget: 19.1 * kB, withoutZod: true },
  { name: '"./core" (with zod/mini)', code: CORE, budget: 16.9 * kB },
  { name: '"./core" (own code)', code: CORE, budget: 12.2 * kB, withoutZod: true },
  { name: "PKCE + URL + client (with zod/mini)", code: PKCE_MINIMUM, budget: 9.5 * kB },
  { name: "PKCE + URL + client (own code)", code: PKCE_MINIMUM, budget: 4.8 * kB, withoutZod: true },
  { name: "PKCE + consent URL (with zod/mini)", code: CONSENT_URL, budget: 6.8 * kB },
  { name: "PKCE + consent URL (own code)", code: CONSENT_URL, budget: 2.2 * kB, withoutZod: true },
  { name: "useOpenRouterConnect (with zod/mini)", code: HEADLESS, budget: 17.8 * kB },
  { name: "useOpenRouterConnect (own code)", code: HEADLESS, budget: 12.7 * kB, withoutZod: true },
  { name: "ConnectButton + de (own code)", code: BUTTON_DE, budget: 18.4 * kB, withoutZod: true, locales: ["de"] },
  { name: '"./locales" de alone', code: DE, budget: 1.3 * kB, locales: ["de"] },
  { name: '"./locales" all seven', code: LOCALES, budget: 7.8 * kB, locales: ["ar", "de", "es", "fr", "ja", "pt-BR", "zh-CN"] },
];

/** Resolves "openrouter-connect" and its subpaths through package.json "exports", like a user's bundler. */
function selfPackage() {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return {
    name: "self-package",
    setup(b) {
      b.onResolve({ filter: /^openrouter-connect(\/.*)?$/ }, (args) => {
        const sub = "." + args.path.slice(pkg.name.length);
        const target = pkg.exports?.[sub];
        const file = typeof target === "string" ? target : (target?.import ?? target?.default);
        if (!file) return { errors: [{ text: `package.json has no export "${sub}"` }] };
        return { path: join(root, file) };
      });
    },
  };
}

export async function measure(check) {
  if (check.vite) return measureVite(check);
  const result = await build({
    stdin: { contents: check.code, resolveDir: root, loader: "js" },
    bundle: true,
    write: false,
    metafile: true,
    minify: true,
    treeShaking: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    define: { "process.env.NODE_ENV": '"production"' },
    external: check.withoutZod ? [...HOST, ...ZOD] : HOST,
    plugins: [selfPackage(), ...(check.without ? [withoutModules(check.without)] : [])],
    logLevel: "silent",
  });
  const js = result.outputFiles[0].contents;
  return { min: js.length, gzip: gzipSync(js, { level: 9 }).length, metafile: result.metafile };
}

// What each optional part of the button costs: the button measured again with that part's module
// replaced by an inert stand-in (same exports, no behaviour). Printed, not budgeted.
export const BUTTON_PARTS = [
  { part: "default stylesheet", stubs: { "dist/react/stylesheet.js": 'export const connectButtonCss = "";', "dist/react/styles.js": "export function useConnectButtonStyles() {}" } },
  {
    part: "balance (showBalance)",
    stubs: { "dist/react/keys.js": 'export const keyInfoKey = (hash) => ["openrouter-connect", "key-info", hash]; export function keyInfoQuery() { return { queryKey: [], enabled: false }; }' },
  },
  {
    part: "staying connected (persist)",
    stubs: { "dist/react/useOpenRouterKey.js": "export function useStoredKey() { return { key: null, setKey() {}, clear() {} }; } export const useOpenRouterKey = useStoredKey;" },
  },
  { part: "default icon", stubs: { "dist/react/OpenRouterIcon.js": "export function OpenRouterIcon() { return null; }" } },
];

function withoutModules(stubs) {
  return {
    name: "without-modules",
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        const rel = args.path.slice(root.length + 1).split("\\").join("/");
        return rel in stubs ? { contents: stubs[rel], loader: "js" } : undefined;
      });
    },
  };
}

/** Bytes (min+gz, own code) each optional part adds to `import { ConnectButton }`. */
export async function buttonPartCosts() {
  const own = { code: BUTTON, withoutZod: true };
  const whole = (await measure(own)).gzip;
  const rows = [];
  for (const { part, stubs } of BUTTON_PARTS) rows.push({ part, gzip: whole - (await measure({ ...own, without: stubs })).gzip });
  return rows;
}

/** Where the bytes come from: bytes of minified output per input file. */
function breakdown(metafile) {
  const out = Object.values(metafile.outputs)[0];
  return Object.entries(out.inputs)
    .map(([file, { bytesInOutput }]) => ({ file: file.replace(/^.*node_modules\//, "node_modules/"), bytes: bytesInOutput }))
    .filter((row) => row.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

// ------------------------------------------------------------------ a real app build (Vite)

const BUTTON_APP_DESCRIPTION = "a production build of a page that renders only <ConnectButton>, react and react-query external, Vite 8 defaults";
/** BUTTON_APP's one chunk before the split, from `main` at b9d2ee2: everything loaded before any interaction. */
const EAGER_BUTTON_APP = { gzip: 18_844, source: "main at b9d2ee2, this build" };

/** An app that renders only `<ConnectButton>` (issue 17): what a landing page with the button ships. */
export const BUTTON_APP = `import { createElement as h } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ConnectButton } from "openrouter-connect";
createRoot(document.getElementById("root")).render(h(QueryClientProvider, { client: new QueryClient() }, h(ConnectButton, { onKey: (result) => console.log(result.userId) })));
`;

/** The chunks of a production build, as Vite's bundler (rolldown) cut them, each min+gz. */
function chunksOf(result) {
  const items = (Array.isArray(result) ? result : [result]).flatMap((output) => output.output);
  return items
    .filter((item) => item.type === "chunk")
    .map((chunk) => ({
      fileName: chunk.fileName,
      isEntry: chunk.isEntry,
      imports: chunk.imports,
      dynamicImports: chunk.dynamicImports,
      code: chunk.code,
      modules: Object.keys(chunk.modules),
      renderedLengths: Object.entries(chunk.modules).map(([id, module]) => [id, module.renderedLength]),
      min: Buffer.byteLength(chunk.code),
      gzip: gzipSync(chunk.code, { level: 9 }).length,
    }));
}

/**
 * Builds `code` (an app's entry) with Vite for production, "openrouter-connect" resolved through
 * package.json "exports" to dist/ as a user's install would. `external` leaves the host's packages
 * out (react, react-dom, react-query: the size rows); without it the app is whole (the bench runs it).
 * Returns every chunk; `initial` is what loads before any interaction (the entry and what it imports
 * statically), `lazy` what only a dynamic import() loads.
 */
export async function viteBuild(code, { external = true, html } = {}) {
  const { build } = await import("vite");
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const entry = "\0openrouter-connect-app";
  const result = await build({
    configFile: false,
    root,
    logLevel: "silent",
    mode: "production",
    plugins: [
      {
        name: "openrouter-connect-app",
        enforce: "pre",
        resolveId(source) {
          if (source === "openrouter-connect-app") return entry;
          if (!/^openrouter-connect(\/.*)?$/.test(source)) return undefined;
          const target = pkg.exports["." + source.slice(pkg.name.length)];
          return target ? join(root, typeof target === "string" ? target : target.default) : undefined;
        },
        load: (id) => (id === entry ? code : undefined),
      },
    ],
    build: {
      write: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: "openrouter-connect-app",
        external: external ? [/^react(\/.*)?$/, /^react-dom(\/.*)?$/, "@tanstack/react-query"] : [],
      },
    },
  });
  const chunks = chunksOf(result);
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const initial = new Set();
  const visit = (chunk) => {
    if (!chunk || initial.has(chunk)) return;
    initial.add(chunk);
    for (const name of chunk.imports) visit(byName.get(name));
  };
  visit(chunks.find((chunk) => chunk.isEntry));
  return { chunks, initial: [...initial], lazy: chunks.filter((chunk) => !initial.has(chunk)), html };
}

let buttonApp;
/**
 * A row of BUTTON_APP's Vite build: the chunks that load before any interaction (`initial`), only
 * on import() (`lazy`), or all of them (`chunks`), min+gz each, summed. A row with `withoutZodModules` fails when zod is
 * among its modules; every row holds no locale.
 */
async function measureVite(check) {
  buttonApp ??= viteBuild(BUTTON_APP);
  const chunks = (await buttonApp)[check.vite];
  const modules = chunks.flatMap((chunk) => chunk.modules);
  return {
    min: chunks.reduce((sum, chunk) => sum + chunk.min, 0),
    gzip: chunks.reduce((sum, chunk) => sum + chunk.gzip, 0),
    modules,
    holdsZod: modules.some((id) => /[\\/]node_modules[\\/]zod[\\/]/.test(id)),
    files: chunks.map((chunk) => chunk.fileName),
    renderedLengths: chunks.flatMap((chunk) => chunk.renderedLengths),
  };
}

const fmt = (n) => n.toLocaleString("en-US");

async function main() {
  const args = process.argv.slice(2);
  if (!existsSync(join(root, "dist/index.js"))) {
    console.error("size: dist/ is missing; run `npm run build` first.");
    process.exit(2);
  }
  const rows = [];
  for (const check of CHECKS) {
    const measured = await measure(check);
    const { min, gzip } = measured;
    // A row holds exactly the locales it imports: none for every row that imports none.
    const locales = measured.metafile ? localesIn(measured.metafile) : localesOf(measured.modules);
    const unasked = locales.join() !== (check.locales ?? []).join() ? `holds locales ${locales.join(", ") || "none"}, expected ${(check.locales ?? []).join(", ") || "none"}` : undefined;
    const problem = unasked ?? (check.withoutZodModules && measured.holdsZod ? "holds zod" : undefined);
    rows.push({ entry: check.name, min, gzip, budget: check.budget, proposed: check.proposed, ok: gzip <= check.budget && !problem, unasked: problem, ...measured });
  }
  if (args.includes("--json")) {
    console.log(JSON.stringify(rows.map(({ entry, min, gzip, budget, ok, unasked }) => ({ entry, min, gzip, budget, ok, unasked })), null, 2));
  } else {
    const w = Math.max(...rows.map((r) => r.entry.length));
    const proposal = (r) => (r.proposed === undefined ? "" : `  (issue 6 proposed ${fmt(r.proposed)}: ${fmt(r.gzip - r.proposed)} over; not adopted, see README)`);
    console.log(`${"entry".padEnd(w)}  ${"min".padStart(7)}  ${"min+gz".padStart(7)}  ${"budget".padStart(7)}  ok`);
    for (const r of rows) {
      const verdict = r.ok ? "yes" : r.unasked ? `NO (${r.unasked})` : "NO (over budget)";
      console.log(`${r.entry.padEnd(w)}  ${fmt(r.min).padStart(7)}  ${fmt(r.gzip).padStart(7)}  ${fmt(r.budget).padStart(7)}  ${verdict}${proposal(r)}`);
    }
    const gz = (name) => rows.find((r) => r.entry === name)?.gzip ?? 0;
    const idle = gz("ConnectButton before interaction");
    const flowPart = gz("ConnectButton flow part");
    // The same code gzipped as one file: what is left of the difference is code, not compression.
    const asOne = gzipSync((await buttonApp).chunks.map((chunk) => chunk.code).join("\n"), { level: 9 }).length;
    console.log(
      `\nConnectButton in a Vite app (${BUTTON_APP_DESCRIPTION}): ${fmt(idle)} B before any interaction, no zod; ${fmt(flowPart)} B more on the first pointerenter, focus, touchstart or click; ${fmt(idle + flowPart)} B in all, ${fmt(asOne)} B gzipped as one file (one chunk of ${fmt(EAGER_BUTTON_APP.gzip)} B before issue 17: ${EAGER_BUTTON_APP.source}).`,
    );
    console.log(
      `\nde adds ${fmt(gz("ConnectButton + de (own code)") - gz("ConnectButton (own code)"))} B to ConnectButton (de alone: ${fmt(gz('"./locales" de alone'))} B); no other row holds a locale.`,
    );
    console.log("bytes; min+gz = esbuild --minify (esm, browser), gzip -9; react, react-dom, @tanstack/react-query external.");
    console.log("\nwhat each optional part adds to ConnectButton (own code, min+gz):");
    for (const { part, gzip } of await buttonPartCosts()) console.log(`${fmt(gzip).padStart(7)}  ${part}`);
  }
  const why = args.indexOf("--why");
  if (why !== -1) {
    const row = rows.find((r) => r.entry.startsWith(args[why + 1] ?? "ConnectButton"));
    if (row?.metafile) {
      console.log(`\nminified bytes by input file, ${row.entry}:`);
      for (const { file, bytes } of breakdown(row.metafile)) console.log(`${fmt(bytes).padStart(7)}  ${file}`);
    } else if (row) {
      console.log(`\nrendered bytes (before minifying) by module, ${row.entry} (${row.files.join(", ")}):`);
      for (const [id, bytes] of [...row.renderedLengths].sort((a, b) => b[1] - a[1])) if (bytes) console.log(`${fmt(bytes).padStart(7)}  ${id.replace(/^.*node_modules\//, "node_modules/").replace(root + "/", "")}`);
    }
  }
  const over = rows.filter((r) => !r.ok);
  if (over.length) {
    console.error(`size: ${over.length} entr${over.length === 1 ? "y is" : "ies are"} over budget or hold locales not imported: ${over.map((r) => r.entry).join(", ")}`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
