// The emulator's HTTP details: reading bodies under a cap, JSON answers in OpenRouter's error
// shape with CORS, redirects, and the same-origin check of its forms.

/** Largest request body read; the emulator's bodies are a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

// A wildcard does not cover Authorization (Fetch standard), so every header is named.
export const PREFLIGHT_HEADERS = {
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, Content-Type, HTTP-Referer, X-OpenRouter-Title, X-OpenRouter-Categories, X-Title",
  "Access-Control-Max-Age": "600",
};

export function corsHeaders(request: Request): Record<string, string> {
  return { "Access-Control-Allow-Origin": request.headers.get("Origin") ?? "*", Vary: "Origin" };
}

export function json(request: Request, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...corsHeaders(request), ...headers },
  });
}

/** OpenRouter's error body, `{ error: { code, message } }`. */
export function apiError(request: Request, status: number, message: string, headers?: Record<string, string>): Response {
  return json(request, status, { error: { code: status, message } }, headers);
}

export function redirect(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}

/** `callback` with one more query parameter; its own query string is kept exactly as it was. */
export function withParam(callback: string, name: string, value: string): string {
  const url = new URL(callback);
  const pair = `${name}=${encodeURIComponent(value)}`;
  url.search = url.search.length > 1 ? `${url.search}&${pair}` : `?${pair}`;
  return url.toString();
}

/** The key named by `Authorization: Bearer`, or undefined. */
export function bearerToken(request: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("Authorization") ?? "")?.[1];
}

export type BodyText = { ok: true; text: string } | { ok: false; problem: "too_large" | "cut_off" };

/**
 * The body as text, read only up to `MAX_BODY_BYTES`: a larger declared `Content-Length` is
 * refused unread, and a body without one (chunked, or lying) stops being read at the cap.
 * `cut_off`: the client went away mid-body.
 */
export async function readBodyText(request: Request): Promise<BodyText> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > MAX_BODY_BYTES) return { ok: false, problem: "too_large" };
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_BODY_BYTES) {
        reader.cancel().catch(() => {});
        return { ok: false, problem: "too_large" };
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { ok: false, problem: "cut_off" };
  }
  return { ok: true, text: text + decoder.decode() };
}

/**
 * True when a form post comes from a page of this very origin: its `Origin` header names the
 * request's own origin, or (a browser that sent none) `Sec-Fetch-Site` says same-origin. Anything
 * else, including no header at all, is refused: a page elsewhere must not press the form's buttons.
 */
export function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get("Origin");
  if (origin !== null) return origin === new URL(request.url).origin;
  return request.headers.get("Sec-Fetch-Site") === "same-origin";
}
