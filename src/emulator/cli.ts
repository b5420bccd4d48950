#!/usr/bin/env node
// openrouter-connect-emulator: the local OpenRouter emulator, by hand.
import { parseArgs } from "node:util";
import { maskKey } from "../core/rules.js";
import type { EmulatorEvent } from "./app.js";
import { startOpenRouterEmulator } from "./server.js";

const USAGE = `Usage: openrouter-connect-emulator [--port 8787] [--host 127.0.0.1] [--code-ttl-ms 600000] [--api-key KEY]... [--quiet]

Serves OpenRouter's consent page (/auth), key-issuing API (/api/v1) and keys page (/settings/keys) on loopback.
  --port         port to listen on (0: any free port); default 8787
  --host         interface to listen on; default 127.0.0.1
  --code-ttl-ms  how long a code can be exchanged; default 600000 (10 minutes)
  --api-key      bearer key accepted by POST /api/v1/auth/keys/code (repeatable); default sk-or-v1-emulator-dev-key
  --quiet        do not print codes, exchanges and revocations as they happen`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function integer(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) fail(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

function describe(event: EmulatorEvent): string | undefined {
  const time = new Date(event.at).toISOString().slice(11, 19);
  switch (event.type) {
    case "code_issued":
      return `${time} code issued (${event.source}${event.callbackUrl ? "" : ", headless"}) ${event.code} PKCE ${event.codeChallengeMethod ?? "none"}${event.limit === null ? "" : `, limit ${event.limit}`}`;
    case "consent_denied":
      return `${time} consent denied${event.callbackUrl ? ` for ${event.callbackUrl}` : ""}`;
    case "exchange":
      return `${time} exchange ${event.code ?? "(no code)"}: ${event.status} ${event.outcome}${event.detail ? ` (${event.detail})` : ""}`;
    case "fault":
      return `${time} fault ${event.fault} on ${event.route}`;
    case "key_revoked":
      return `${time} key revoked (${event.source === "page" ? "keys page" : "revokeKey"}) ${maskKey(event.key)}`;
    default:
      return undefined;
  }
}

function readArgs() {
  try {
    return parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "code-ttl-ms": { type: "string" },
        "api-key": { type: "string", multiple: true },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return fail((error as Error).message);
  }
}

const args = readArgs();
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const emulator = await startOpenRouterEmulator({
  port: integer(args.port, "port", 8787, 0, 65535),
  host: args.host ?? "127.0.0.1",
  codeTtlMs: integer(args["code-ttl-ms"], "code-ttl-ms", 600_000, 1, 2 ** 31 - 1),
  ...(args["api-key"] ? { apiKeys: args["api-key"] } : {}),
  onEvent: args.quiet
    ? undefined
    : (event) => {
        const line = describe(event);
        if (line) process.stdout.write(`${line}\n`);
      },
}).catch((error: Error) => fail(`Could not start: ${error.message}`));

process.stdout.write(`OpenRouter emulator listening on ${emulator.url}
  consent page  ${emulator.authUrl}
  API base URL  ${emulator.apiBaseUrl}
  keys page     ${emulator.keysUrl}
  API key       ${emulator.apiKey}
Press Ctrl+C to stop.
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
