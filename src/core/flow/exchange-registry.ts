import type { ExchangeAuthCodeResponse, ServerExchangeResponse } from "../schemas.js";

// Codes are single-use. Every exchange in this page goes through here, so a code
// is sent at most once however many times React runs an effect (StrictMode),
// a component remounts or a user double-clicks: later callers share the first
// call's promise. A failed exchange stays failed: retrying a code cannot succeed.
// Calls are told apart by code *and* verifier: the same code pasted again into a new attempt
// (another verifier) is sent and refused by the server, instead of that attempt silently getting
// the first attempt's key (or its old failure) without ever proving it holds the code's verifier.
// The key is the pair as JSON, so no code and verifier can pass for another pair, whatever they hold.
const inBrowser = new Map<string, Promise<ExchangeAuthCodeResponse>>();
const onServer = new Map<string, Promise<ServerExchangeResponse>>();

function once<T>(exchanges: Map<string, Promise<T>>, id: string, exchange: () => Promise<T>): Promise<T> {
  let pending = exchanges.get(id);
  if (!pending) {
    pending = exchange();
    exchanges.set(id, pending);
    // Keep memory bounded on long-lived pages; codes older than this have expired anyway.
    for (const oldest of exchanges.keys()) {
      if (exchanges.size <= 100) break;
      exchanges.delete(oldest);
    }
  }
  return pending;
}

export function exchangeOnce(
  code: string,
  exchange: () => Promise<ExchangeAuthCodeResponse>,
  codeVerifier?: string,
): Promise<ExchangeAuthCodeResponse> {
  return once(inBrowser, JSON.stringify([codeVerifier, code]), exchange);
}

/** The same, for an exchange on your server's route (`exchangeUrl`): its answer is `{ userId, keyHint }`. */
export function exchangeOnServerOnce(
  code: string,
  exchange: () => Promise<ServerExchangeResponse>,
  codeVerifier?: string,
): Promise<ServerExchangeResponse> {
  return once(onServer, JSON.stringify([codeVerifier, code]), exchange);
}
