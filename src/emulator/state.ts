// What the emulator remembers: codes, keys and the event log, each bounded by `maxRecords`
// (oldest dropped first), so memory stays flat however many flows run.
import { base64url } from "../core/pkce.js";
import type { EmulatorEvent, EmulatorGrant } from "./types.js";

export interface IssuedCode extends EmulatorGrant {
  id: string;
  source: "consent" | "minted";
  issuedAt: number;
}

export interface IssuedKey {
  key: string;
  /** Names the key in the keys page's form, so the page never holds a key. */
  id: string;
  label: string;
  limit: number | null;
  limitReset: EmulatorGrant["usageLimitType"];
  expiresAt: string | null;
  workspaceId: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface EmulatorStateOptions {
  maxRecords: number;
  codeTtlMs: number;
  now: () => number;
  onEvent: ((event: EmulatorEvent) => void) | undefined;
}

function randomBytes(count: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(count));
}

function newApiKey(): string {
  return `sk-or-v1-${Array.from(randomBytes(32), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Drops the oldest entries of `map` (insertion order is issue order) until it has room for one more. */
function makeRoom(map: Map<string, unknown>, max: number): void {
  while (map.size >= max) map.delete(map.keys().next().value as string);
}

export class EmulatorState {
  readonly #codes = new Map<string, IssuedCode>();
  readonly #keys = new Map<string, IssuedKey>();
  readonly #log: EmulatorEvent[] = [];
  readonly #options: EmulatorStateOptions;

  constructor(options: EmulatorStateOptions) {
    this.#options = options;
  }

  record(event: EmulatorEvent): void {
    this.#log.push(event);
    if (this.#log.length > this.#options.maxRecords) this.#log.splice(0, this.#log.length - this.#options.maxRecords);
    try {
      this.#options.onEvent?.(event);
    } catch {
      // An observer's bug must not break the flow it observes.
    }
  }

  get events(): EmulatorEvent[] {
    return [...this.#log];
  }

  issueCode(grant: EmulatorGrant, source: IssuedCode["source"]): IssuedCode {
    const { codeTtlMs, maxRecords, now } = this.#options;
    const issuedAt = now();
    // Expired codes still answer "expired" for one more lifetime, then go.
    for (const [id, code] of this.#codes) {
      if (issuedAt - code.issuedAt < 2 * codeTtlMs) break;
      this.#codes.delete(id);
    }
    makeRoom(this.#codes, maxRecords);
    const code: IssuedCode = { ...grant, id: `auth_code_${base64url(randomBytes(24))}`, source, issuedAt };
    this.#codes.set(code.id, code);
    this.record({ type: "code_issued", at: issuedAt, code: code.id, source, ...grant });
    return code;
  }

  code(id: string): IssuedCode | undefined {
    return this.#codes.get(id);
  }

  /**
   * Uses `code` up and creates its key, with no `await` in between: of two exchanges of one
   * code that both passed their checks, only the first one here gets a key.
   */
  redeem(code: IssuedCode): IssuedKey | undefined {
    if (!this.#codes.delete(code.id)) return undefined;
    const key = newApiKey();
    const host = code.callbackUrl ? new URL(code.callbackUrl).host : null;
    makeRoom(this.#keys, this.#options.maxRecords);
    const issued: IssuedKey = {
      key,
      id: Array.from(randomBytes(16), (b) => b.toString(16).padStart(2, "0")).join(""),
      // OpenRouter defaults the label to the app's name (the host here) or, without one, to the
      // key in its own short form, e.g. "sk-or-v1-au7...890" (the spec's example of `label`).
      label: code.keyLabel ?? host ?? `${key.slice(0, 11)}...${key.slice(-3)}`,
      limit: code.limit,
      limitReset: code.usageLimitType,
      expiresAt: code.expiresAt,
      workspaceId: code.workspaceId,
      createdAt: this.#options.now(),
      revokedAt: null,
    };
    this.#keys.set(key, issued);
    return issued;
  }

  key(key: string): IssuedKey | undefined {
    return this.#keys.get(key);
  }

  keyById(id: string): IssuedKey | undefined {
    for (const issued of this.#keys.values()) if (issued.id === id) return issued;
    return undefined;
  }

  /** Every key held, oldest first. */
  keys(): IssuedKey[] {
    return [...this.#keys.values()];
  }

  /** Marks `key` revoked; false when it is unknown or already revoked. */
  revoke(key: string, source: "page" | "helper"): boolean {
    const issued = this.#keys.get(key);
    if (!issued || issued.revokedAt !== null) return false;
    issued.revokedAt = this.#options.now();
    this.record({ type: "key_revoked", at: issued.revokedAt, key, source });
    return true;
  }

  stats(): { codes: number; keys: number; events: number } {
    return { codes: this.#codes.size, keys: this.#keys.size, events: this.#log.length };
  }

  reset(): void {
    this.#codes.clear();
    this.#keys.clear();
    this.#log.length = 0;
  }
}
