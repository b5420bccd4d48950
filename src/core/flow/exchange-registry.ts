import type { ExchangeAuthCodeResponse } from "../schemas.js";

// Codes are single-use. Every exchange in this page goes through here, so a code
// is sent at most once however many times React runs an effect (StrictMode),
// a component remounts or a user double-clicks: later callers share the first
// call's promise. A failed exchange stays failed: retrying a code cannot succeed.
// Calls are told apart by code *and* verifier: the same code pasted again into a new attempt
// (another verifier) is sent and refused by the server, instead of that attempt silently getting
// the first attempt's key (or its old failure) without ever proving it holds the code's verifier.
const exchanges = new Map<string, Promise<ExchangeAuthCodeResponse>>();

export function exchangeOnce(
  code: string,
  exchange: () => Promise<ExchangeAuthCodeResponse>,
  codeVerifier?: string,
): Promise<ExchangeAuthCodeResponse> {
  // Neither a code nor a verifier holds whitespace: the space cannot be forged into either part.
  const id = `${codeVerifier ?? ""} ${code}`;
  let pending = exchanges.get(id);
  if (!pending) {
    pending = exchange();
    exchanges.set(id, pending);
    // Keep memory bounded on long-lived pages; codes older than this have expired anyway.
    if (exchanges.size > 100) exchanges.delete(exchanges.keys().next().value as string);
  }
  return pending;
}

