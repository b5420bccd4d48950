// Injected faults: delays, failures, dropped connections, garbled answers and COOP on the consent page.
import { corsHeaders } from "./http.js";
import type { EmulatorEvent, EmulatorFaults, EmulatorRoute } from "./types.js";

type QueuedFault = { kind: "fail"; status: number; message: string | undefined } | { kind: "drop" } | { kind: "malformed" };

/** What a route answers when a fault says it failed: the API's JSON error, or an error page. */
export type FailureAnswer = (status: number, message: string) => Response;

const FAIL_MESSAGES: Record<number, string> = {
  409: "Resource conflict. Please try again later.",
  429: "Rate limit exceeded",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

function checkCount(count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError("count must be a positive integer");
  return count;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/** A 200 whose body is HTML, not the JSON the client expects (what a broken proxy sends). */
function malformed(request: Request): Response {
  return new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", {
    status: 200,
    headers: { "Content-Type": "text/html", ...corsHeaders(request) },
  });
}

export class FaultInjector {
  readonly #delays = new Map<EmulatorRoute, number>();
  readonly #queued = new Map<EmulatorRoute, QueuedFault[]>();
  #coop = false;
  readonly #routes: ReadonlySet<string>;
  readonly #record: (event: EmulatorEvent) => void;
  readonly #now: () => number;

  constructor(routes: Iterable<EmulatorRoute>, record: (event: EmulatorEvent) => void, now: () => number) {
    this.#routes = new Set(routes);
    this.#record = record;
    this.#now = now;
  }

  /** Whether the consent page sends `Cross-Origin-Opener-Policy: same-origin`. */
  get coop(): boolean {
    return this.#coop;
  }

  /** The public controls (`emulator.faults`). */
  readonly controls: EmulatorFaults = {
    delay: (route, ms) => {
      if (!(ms >= 0 && Number.isFinite(ms))) throw new RangeError("ms must be a number >= 0");
      this.#delays.set(route, ms);
    },
    failNext: (route, { status, count = 1, message }) => {
      if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError("status must be an HTTP error status (400-599)");
      this.#enqueue(route, { kind: "fail", status, message }, count);
    },
    dropNext: (route, count = 1) => this.#enqueue(route, { kind: "drop" }, count),
    malformedNext: (route, count = 1) => this.#enqueue(route, { kind: "malformed" }, count),
    coop: (enabled) => {
      this.#coop = enabled;
    },
    clear: () => {
      this.#delays.clear();
      this.#queued.clear();
      this.#coop = false;
    },
  };

  #enqueue(route: EmulatorRoute, fault: QueuedFault, count: number): void {
    if (!this.#routes.has(route)) throw new TypeError(`unknown route "${String(route)}"`);
    const times = checkCount(count);
    const queue = this.#queued.get(route) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.#queued.set(route, queue);
  }

  /**
   * Runs `answer` (the route itself) under this route's faults: the delay first (cut short when
   * the client goes away), then the next queued fault. `fail` answers instead of the route;
   * `drop` and `malformed` let it run and replace what it answered.
   */
  async apply(route: EmulatorRoute, request: Request, fail: FailureAnswer, answer: () => Promise<Response>): Promise<Response> {
    const delay = this.#delays.get(route) ?? 0;
    if (delay > 0) {
      this.#record({ type: "fault", at: this.#now(), route, fault: "delay" });
      await abortableSleep(delay, request.signal);
      if (request.signal.aborted) return Response.error();
    }
    const fault = this.#queued.get(route)?.shift();
    if (fault) this.#record({ type: "fault", at: this.#now(), route, fault: fault.kind });
    if (fault?.kind === "fail") return fail(fault.status, fault.message ?? FAIL_MESSAGES[fault.status] ?? "Injected failure");
    const response = await answer();
    if (fault?.kind === "drop") return Response.error();
    if (fault?.kind === "malformed") return malformed(request);
    return response;
  }
}
