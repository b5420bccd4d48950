import type { ExchangeAuthCodeResponse } from "../schemas.js";

// Codes are single-use. Every exchange in this page goes through here, so a code
// is sent at most once however many times React runs an effect (StrictMode),
// a component remounts or a user double-clicks: later callers share the first
// call's promise. A failed exchange stays failed: retrying a code cannot succeed.
const exchanges = new Map<string, Promise<ExchangeAuthCodeResponse>>();

export function exchangeOnce(code: string, exchange: () => Promise<ExchangeAuthCodeResponse>): Promise<ExchangeAuthCodeResponse> {
  let pending = exchanges.get(code);
  if (!pending) {
    pending = exchange();
    exchanges.set(code, pending);
    // Keep memory bounded on long-lived pages; codes older than this have expired anyway.
    if (exchanges.size > 100) exchanges.delete(exchanges.keys().next().value as string);
  }
  return pending;
}

/** Whether this page already sent `code` to be exchanged. */
export function wasExchanged(code: string): boolean {
  return exchanges.has(code);
}
