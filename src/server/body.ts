// Reads a route's JSON body under a size cap and a deadline, before anything else looks at it:
// a declared-too-large body is refused unread, a streamed one is cut at the cap, and a body that
// trickles in slower than the deadline is a 408. Fetch-standard only (web streams, no node:).
import { HttpError, INTERNAL_ERROR } from "./http.js";

/** Largest request body the handlers read; a real one is well under 1 kB. */
export const MAX_MINT_BODY_BYTES = 16 * 1024;
/** How long the whole body may take to arrive, by default. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

const NOT_JSON = "Request body must be JSON (Content-Type: application/json).";

function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const [type, ...params] = value.split(";").map((s) => s.trim().toLowerCase());
  if (type !== "application/json") return false;
  // JSON is UTF-8 (RFC 8259); a declared other charset would be misread.
  // Stryker disable next-line Regex: dropping ^ is equivalent (startsWith anchors it); the line's other regex mutants are killed by test/server/body.test.ts but go with it
  return params.every((param) => !param.startsWith("charset=") || /^charset="?utf-8"?$/.test(param));
}

function tooLarge(detail: string): HttpError {
  return new HttpError(413, `Request body must be at most ${MAX_MINT_BODY_BYTES} bytes.`, "body_too_large", { detail });
}

/** The body's bytes, at most `MAX_MINT_BODY_BYTES`, within `timeoutMs` from the first read. */
async function readBytes(request: Request, timeoutMs: number): Promise<Uint8Array> {
  const body = request.body;
  if (!body) return new Uint8Array(0);
  let fail!: (error: HttpError) => void;
  const stopped = new Promise<never>((_, reject) => (fail = reject));
  stopped.catch(() => {}); // only ever read inside the races below
  const timer = setTimeout(
    () => fail(new HttpError(408, "The request body took too long to arrive.", "body_timeout", { detail: `body not complete after ${timeoutMs} ms` })),
    timeoutMs,
  );
  const onAbort = () => fail(new HttpError(400, "The request was aborted.", "aborted", { detail: "the client went away while sending the body" }));
  const signal = request.signal as AbortSignal | undefined;
  signal?.addEventListener?.("abort", onAbort);
  if (signal?.aborted) onAbort();
  try {
    if (typeof body.getReader !== "function") {
      // A polyfilled Request without a web stream: read it whole (still under the deadline), then check.
      const whole = new Uint8Array(await Promise.race([request.arrayBuffer(), stopped]));
      if (whole.byteLength > MAX_MINT_BODY_BYTES) throw tooLarge(`${whole.byteLength} bytes`);
      return whole;
    }
    // Read only up to the cap: a missing or lying Content-Length must not make us buffer more.
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await Promise.race([reader.read(), stopped]);
        if (done) break;
        total += value.byteLength;
        if (total > MAX_MINT_BODY_BYTES) throw tooLarge(`more than ${MAX_MINT_BODY_BYTES} bytes sent`);
        chunks.push(value);
      }
    } catch (error) {
      reader.cancel().catch(() => {});
      throw error;
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    // The stream broke (the connection was cut mid-body).
    throw new HttpError(400, "The request body could not be read.", signal?.aborted ? "aborted" : "invalid_body", { detail: "the body stream failed" });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener?.("abort", onAbort);
  }
}

/**
 * Reads and parses the JSON body: 400 for another content type, invalid UTF-8 or JSON; 413 over
 * `MAX_MINT_BODY_BYTES` (declared or sent); 408 when it is not complete within `timeoutMs`.
 */
export async function readJsonBody(request: Request, timeoutMs: number): Promise<unknown> {
  const contentType = request.headers.get("content-type");
  if (!isJsonContentType(contentType)) {
    throw new HttpError(400, NOT_JSON, "invalid_body", { detail: contentType === null ? "no Content-Type" : `Content-Type ${JSON.stringify(contentType.slice(0, 100))}` });
  }
  const declared = request.headers.get("content-length");
  if (
    // Stryker disable next-line ConditionalExpression: RegExp#test(null) tests "null", no number either; the check is for the type
    declared !== null &&
    /^\s*\d+\s*$/.test(declared) &&
    Number(declared) > MAX_MINT_BODY_BYTES
  ) {
    throw tooLarge(`Content-Length ${declared.trim()}`);
  }
  // Something upstream (a middleware) read it already: a setup error, not the client's.
  if (request.bodyUsed) throw new HttpError(500, INTERNAL_ERROR, "config", { detail: "the request body was already read before the handler ran" });

  const bytes = await readBytes(request, timeoutMs);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "Request body must be UTF-8 encoded JSON.", "invalid_body", { detail: "invalid UTF-8" });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "Request body must be valid JSON.", "invalid_body", { detail: "invalid JSON" });
  }
}
