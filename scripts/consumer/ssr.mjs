// Run with plain `node ssr.mjs` in the consumer project: server-renders ConnectButton and
// AuthCallback through react-dom/server in Node, where there is no window, document or storage.
// Any unguarded access to them throws a ReferenceError and fails the check; so do React's
// warnings (e.g. useLayoutEffect on the server) and a lost 'use client' directive.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement as h, version } from "react";
import { renderToString } from "react-dom/server";
import { AuthCallback, ConnectButton, OpenRouterAuthProvider } from "openrouter-connect";

for (const name of ["window", "document", "localStorage", "sessionStorage"]) {
  assert.equal(typeof globalThis[name], "undefined", `${name} must not exist in this Node process`);
}

const logged = [];
for (const level of ["error", "warn"]) {
  console[level] = (...args) => logged.push(`console.${level}: ${args.map(String).join(" ")}`);
}

const page = h(
  QueryClientProvider,
  { client: new QueryClient() },
  h(
    OpenRouterAuthProvider,
    { authUrl: "https://openrouter.ai/auth", mintUrl: "/api/mint" },
    h(ConnectButton, { onKey: () => {}, persist: true, showBalance: true }),
    h(ConnectButton, { onKey: () => {}, mint: { limit: 5 } }, "Get a key"),
    h(AuthCallback, { onKey: () => {} }),
  ),
);
const html = renderToString(page);

assert.deepEqual(logged, [], "React logged while server rendering");
assert.match(html, /<button[^>]*data-state="idle"[^>]*>/, "the button renders idle on the server");
assert.match(html, /Connect OpenRouter/);
assert.match(html, /Get a key/);
for (const name of ["window", "document", "localStorage", "sessionStorage"]) {
  assert.equal(typeof globalThis[name], "undefined", `rendering must not define ${name}`);
}

// Next.js and other RSC frameworks need the directive at the top of every client module.
const require = createRequire(import.meta.url);
const dist = dirname(require.resolve("openrouter-connect"));
for (const file of ["react/ConnectButton.js", "react/context.js", "react/useOpenRouterConnect.js", "react/AuthCallback.js"]) {
  assert.match(readFileSync(join(dist, file), "utf8"), /^\s*["']use client["']/, `${file} lost its 'use client' directive`);
}

console.log(`SSR ok with React ${version}: ${html.length} characters of HTML, no window touched, 'use client' kept`);
