import type { OpenRouterAuthError } from "../core/errors.js";

// The key-info query's key, apart from the query and mutation options (options.ts): a button's
// balance needs only this before its flow part loads.

/** `openRouterConnectKeys.keyInfo`: holds a hash of the key, never the key itself. */
export const keyInfoKey = (keyHash: string) => ["openrouter-connect", "key-info", keyHash] as const;

/** cyrb53: a fast 53-bit hash, so cache keys tell keys apart without holding them. */
function hashKey(key: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** `GET /key`'s query for `key`, all but its `queryFn`: the key (hashed), disabled without a key, fresh for 30 s, retried only when worth it. */
export function keyInfoQuery(key: string | null | undefined) {
  return {
    queryKey: keyInfoKey(key ? hashKey(key) : "none") as readonly unknown[],
    enabled: !!key,
    staleTime: 30_000,
    // An invalid or revoked key won't get better by asking again right away.
    retry: (count: number, error: OpenRouterAuthError) => count < 2 && error.retryable === true,
  };
}
