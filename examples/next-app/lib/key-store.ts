import "server-only";
import { maskKey, type ServerExchangeResponse } from "openrouter-connect";

// The keys the exchange route received, by user. In memory for the demo; a real app stores the
// key in its database, encrypted, next to the user. On globalThis: Next.js loads the route handler
// and the page in separate module graphs, and a module-level Map would be two maps.
interface StoredKey {
  key: string;
  userId: string | null;
}
const globalStore = globalThis as typeof globalThis & { openRouterKeys?: Map<string, StoredKey> };
const keys = (globalStore.openRouterKeys ??= new Map<string, StoredKey>());

export function saveKey(user: string, stored: StoredKey): void {
  keys.set(user, stored);
}

/** What a page may show of the user's stored key: its hint (`sk-or-v1-…abcd`), never the key. */
export function storedKeyHint(user: string | undefined): ServerExchangeResponse | undefined {
  const stored = user === undefined ? undefined : keys.get(user);
  return stored && { userId: stored.userId, keyHint: maskKey(stored.key) };
}
