// The emulator's HTML pages: the consent page (and what follows it), error pages and the keys
// page. Plain, accessible HTML with no script; everything shown is escaped.
import { maskKey, toIsoSeconds } from "../core/rules.js";
import type { IssuedKey } from "./state.js";
import type { EmulatorGrant } from "./types.js";
import { CONSENT_PARAMS } from "./validation.js";

/** Every page: nothing loads but its inline style. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(status: number, title: string, body: string, csp = PAGE_CSP): Response {
  const document = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · OpenRouter emulator</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem; color: #111; }
.note { font-size: .85rem; color: #555; border-bottom: 1px solid #ddd; padding-bottom: .5rem; }
dt { font-weight: 600; } dd { margin: 0 0 .5rem; overflow-wrap: anywhere; }
button { font: inherit; padding: .5rem 1.25rem; margin-right: .5rem; }
output { display: block; font: 1.1rem monospace; padding: .75rem; background: #f3f3f3; overflow-wrap: anywhere; user-select: all; }
table { border-collapse: collapse; width: 100%; } caption { text-align: left; font-weight: 600; }
th, td { text-align: left; padding: .4rem .5rem .4rem 0; border-bottom: 1px solid #ddd; vertical-align: top; overflow-wrap: anywhere; }
td button { padding: .25rem .75rem; margin: 0; }
</style>
</head>
<body>
<main>
<p class="note">OpenRouter emulator: a local test double, not openrouter.ai.</p>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
  return new Response(document, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Content-Security-Policy": csp },
  });
}

export function errorPage(status: number, message: string): Response {
  return html(status, "This connection request is invalid", `<p role="alert">${escapeHtml(message)}</p>\n<p>No key was created and you were not redirected.</p>`);
}

function formatCredits(limit: number): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 6 }).format(limit);
}

function formatDuration(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.max(1, Math.round(ms / 1000))} seconds`;
}

/** The consent page: who asks, for what, and an Approve/Deny form that posts the query back to `action`. */
export function consentPage(grant: EmulatorGrant, params: URLSearchParams, action: string): Response {
  const app = grant.callbackUrl ? new URL(grant.callbackUrl).host : null;
  const rows: Array<[string, string]> = [];
  if (app) rows.push(["App", app]);
  rows.push(["Credit limit", grant.limit === null ? "No limit" : formatCredits(grant.limit)]);
  if (grant.keyLabel !== null) rows.push(["Key label", grant.keyLabel]);
  rows.push(["Returns to", grant.callbackUrl ?? "Nowhere: the code is shown on this page (headless mode)"]);
  rows.push(["PKCE", grant.codeChallengeMethod ?? "none"]);
  const hidden = CONSENT_PARAMS.filter((name) => params.has(name)).map(
    (name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? "")}">`,
  );
  const intro = app
    ? `<p><strong>${escapeHtml(app)}</strong> asks for an OpenRouter API key of your own. It can spend credits up to the limit below.</p>`
    : "<p>An app without a web page (a CLI, a device) asks for an OpenRouter API key of your own.</p>";
  return html(
    200,
    app ? `Connect ${app} to OpenRouter` : "Create an OpenRouter API key",
    `${intro}
<dl>
${rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join("\n")}
</dl>
<form method="post" action="${escapeHtml(action)}">
${hidden.join("\n")}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

/** Headless mode, approved: the code to paste into the app. */
export function codePage(code: string, codeTtlMs: number): Response {
  return html(
    200,
    "Your code is ready",
    `<p>Paste this code into the app that asked for it. It works once, within ${formatDuration(codeTtlMs)}.</p>
<p><label for="code">Your code</label></p>
<output id="code">${escapeHtml(code)}</output>`,
  );
}

/** Headless mode, denied. */
export function deniedPage(): Response {
  return html(200, "Access denied", "<p>You denied the request. No key was created; you can close this page.</p>");
}

function keyStatus(key: IssuedKey, now: number): "Active" | "Revoked" | "Expired" {
  if (key.revokedAt !== null) return "Revoked";
  return key.expiresAt !== null && Date.parse(key.expiresAt) <= now ? "Expired" : "Active";
}

function describeLimit(key: IssuedKey): string {
  if (key.limit === null) return "No limit";
  return key.limitReset ? `${formatCredits(key.limit)}, resets ${key.limitReset}` : formatCredits(key.limit);
}

export interface KeysPageContent {
  /** Every key held, oldest first; the page lists the newest first. */
  keys: readonly IssuedKey[];
  now: number;
  /** Where the Revoke forms post: this page's own path. */
  action: string;
  /** The key just revoked, announced at the top. */
  revoked: IssuedKey | undefined;
}

/**
 * The keys page, like https://openrouter.ai/settings/keys: every key issued, masked, with its
 * limit, creation time and state, and a Revoke button per live key. Each button is a form of
 * its own that posts the key's page id (never the key) back to this page.
 */
export function keysPage({ keys, now, action, revoked }: KeysPageContent): Response {
  const name = (key: IssuedKey) => `${key.label} (${maskKey(key.key)})`;
  const notice = revoked ? `<p role="status">Revoked ${escapeHtml(name(revoked))}. Apps using it get 401 from now on.</p>\n` : "";
  const rows = [...keys].reverse().map((key) => {
    const status = keyStatus(key, now);
    const created = toIsoSeconds(key.createdAt);
    const revoke =
      status === "Revoked"
        ? ""
        : `<form method="post" action="${escapeHtml(action)}"><button type="submit" name="key_id" value="${key.id}" aria-label="Revoke ${escapeHtml(name(key))}">Revoke</button></form>`;
    return `<tr>
<th scope="row">${escapeHtml(key.label)}</th>
<td><code>${escapeHtml(maskKey(key.key))}</code></td>
<td>${escapeHtml(describeLimit(key))}</td>
<td><time datetime="${created}">${created}</time></td>
<td>${status}</td>
<td>${revoke}</td>
</tr>`;
  });
  const list = rows.length
    ? `<table>
<caption>Keys issued by this emulator, newest first</caption>
<thead><tr><th scope="col">Label</th><th scope="col">Key</th><th scope="col">Limit</th><th scope="col">Created</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>`
    : "<p>No keys yet: a key appears here once an app exchanges a code for it.</p>";
  return html(
    200,
    "API keys",
    `${notice}<p>Revoking a key ends it at once: apps that hold it can no longer use it.</p>
${list}`,
    // Its forms post only here, and no other site may frame it to trick a click on Revoke.
    `${PAGE_CSP}; form-action 'self'; frame-ancestors 'none'`,
  );
}

/** A keys-page form that could not be taken. */
export function keysErrorPage(status: number, message: string): Response {
  return html(status, "This request was refused", `<p role="alert">${escapeHtml(message)}</p>\n<p>No key was revoked.</p>`);
}
