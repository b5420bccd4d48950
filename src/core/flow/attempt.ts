import { timerDelay } from "../client.js";
import { OpenRouterAuthError } from "../errors.js";
import type { ExchangeAuthCodeResponse } from "../schemas.js";

// One attempt to connect, as an explicit state: the lifecycle core that begins, fails and
// finishes attempts (TanStack Query's `Mutation`; `ConnectFlow` is its observer). Every change of
// phase happens in a method of this class, which then tells the flow to publish a snapshot.

/**
 * An id for one attempt. Not a secret: it only tells attempts apart, so without WebCrypto (where
 * PKCE then fails with `unsupported`, reported by the flow) Math.random does.
 */
export function randomId(): string {
  const crypto = globalThis.crypto;
  const bytes = crypto?.getRandomValues ? crypto.getRandomValues(new Uint8Array(12)) : [Math.floor(Math.random() * 2 ** 32)];
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** How an attempt gets its code: a consent page in a popup, in this tab or with paste, or minted. */
export type AttemptMode = "popup" | "redirect" | "paste" | "minted";

/** What the popup watcher knows about the consent window (popup mode only). */
export type PopupSighting =
  /** Not seen on OpenRouter's page yet: still loading, or shown there too briefly to trust `closed`. */
  | "not-seen"
  /** Seen on OpenRouter's page: if it reads closed now, the user closed it. */
  | "seen"
  /**
   * Read closed before it was seen there: the user closed it at once, or the provider's COOP hides
   * it while it is open. We can't tell which, so the wait goes on and a click starts over.
   */
  | "hidden"
  /** Hidden, and this page got focus back: the user most likely closed it or moved on. A hint says so; the wait goes on. */
  | "hidden-user-back"
  /** Read closed soon after it was seen: reported as `popup_closed`, yet a late answer still finishes the attempt. */
  | "reported-closed";

export type AttemptPhase =
  | { readonly name: "opening" }
  | { readonly name: "waiting"; readonly popup?: PopupSighting }
  | { readonly name: "exchanging" }
  | { readonly name: "done"; readonly outcome: "connected" | "failed" | "dropped" };

/** What a connect attempt ends with: the user's key masked, and the key itself only when this browser exchanged the code. */
export interface ConnectedResult {
  userId: string | null;
  /** The key masked, `sk-or-v1-…abcd`. */
  keyHint: string;
  /** The key: present only when the browser exchanged the code (no `exchangeUrl`). */
  key?: string;
}

const OPENING: AttemptPhase = { name: "opening" };

export class Attempt {
  readonly id = randomId();
  phase: AttemptPhase = OPENING;
  // `declare`: set when they happen, so no field is emitted (bytes) for what reads undefined until then.
  declare error: OpenRouterAuthError | undefined;
  declare connected: ConnectedResult | undefined;
  /** The key's exchange answer when this browser exchanged the code. */
  declare result: ExchangeAuthCodeResponse | undefined;
  /** The attempt's end (answer, Cancel, deadline); until `expireIn`, never. */
  deadline = Infinity;
  /** Set once the PKCE pair exists: every way to an exchange passes that point first. */
  declare codeVerifier: string | undefined;
  /** The window it opened: the consent popup, or paste mode's tab. */
  declare window: Window | undefined;
  /** After `popup_blocked`: how to go on without a popup. */
  declare fallback: "redirect" | "paste" | undefined;
  /** Paste mode: the consent page, in case its tab did not open. */
  declare pasteUrl: string | undefined;
  /** Resolves with the key (undefined on failure, or when your server kept it) once the attempt ends or is reported. */
  readonly settled: Promise<ExchangeAuthCodeResponse | undefined>;
  #settle!: (result: ExchangeAuthCodeResponse | undefined) => void;
  #abort = new AbortController();
  #cleanups: Array<() => void> = [];

  constructor(
    readonly mode: AttemptMode,
    /** Called after every change of phase, for the flow to publish. */
    private readonly changed: (attempt: Attempt) => void,
  ) {
    this.settled = new Promise((resolve) => (this.#settle = resolve));
  }

  /** Aborts the attempt's requests when it ends. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get over(): boolean {
    return this.phase.name === "done";
  }

  /** Runs `cleanup` when the attempt ends (at once if it has). */
  onEnd(cleanup: () => void): void {
    if (this.over) cleanup();
    else this.#cleanups.push(cleanup);
  }

  /**
   * Listens to `type` on `target` until the attempt ends. Removed by hand rather than with an
   * AbortSignal option, which Safari before 15 ignores and a window of another realm refuses.
   */
  listen<K extends keyof WindowEventMap>(win: Window, type: K, listener: (event: WindowEventMap[K]) => void): void {
    win.addEventListener(type, listener);
    this.onEnd(() => win.removeEventListener(type, listener));
  }

  /** Starts the deadline: at `ms` from now the attempt ends with `timeout`. */
  expireIn(ms: number): void {
    this.deadline = Date.now() + ms;
    const timer = setTimeout(
      () => this.#end(new OpenRouterAuthError("timeout", `No answer within ${Math.round(ms / 1000)} s; please try again.`)),
      timerDelay(ms),
    );
    this.onEnd(() => clearTimeout(timer));
  }

  /** opening → waiting; or, while waiting, what the popup watcher now knows. Nothing changes a reported attempt but its answer. */
  wait(popup?: PopupSighting): void {
    const { phase } = this;
    if (phase.name === "opening" || (phase.name === "waiting" && phase.popup !== "reported-closed" && phase.popup !== popup)) {
      this.#to({ name: "waiting", popup });
    }
  }

  /** A code arrived (opening: minted or a redirect's return; waiting: the answer, even a late one): → exchanging. False when it comes too late or twice. */
  receive(): boolean {
    const { name } = this.phase;
    if (name !== "opening" && name !== "waiting") return false;
    this.error = undefined;
    this.#to({ name: "exchanging" });
    return true;
  }

  /** exchanging → done: connected. */
  connect(connected: ConnectedResult, result: ExchangeAuthCodeResponse | undefined): void {
    if (this.phase.name !== "exchanging") return;
    this.connected = connected;
    this.result = result;
    this.#close({ name: "done", outcome: "connected" }, result);
    this.changed(this);
  }

  /** Ends the attempt with `error`, reported. */
  fail(error: OpenRouterAuthError): void {
    if (this.over) return;
    this.error = error;
    this.#close({ name: "done", outcome: "failed" });
    this.changed(this);
  }

  /**
   * Reports `error` (`popup_closed`) without ending: focus can come back and a click starts over,
   * while the channel still listens for a late answer until the deadline or Cancel.
   */
  report(error: OpenRouterAuthError): void {
    if (this.phase.name !== "waiting") return;
    this.error = error;
    this.#to({ name: "waiting", popup: "reported-closed" });
    this.#settle(undefined);
  }

  /** The visible Cancel: ends with `cancelled` (quietly when already reported). */
  cancel(): void {
    this.#end(new OpenRouterAuthError("cancelled", "Connecting was cancelled."));
  }

  /** Ends the attempt without a word: reset, a new attempt, an owner gone. */
  drop(): void {
    if (!this.over) this.#close({ name: "done", outcome: "dropped" });
  }

  /** Cancel and the deadline: one error per attempt is enough, so one already reported ends quietly. */
  #end(error: OpenRouterAuthError): void {
    if (this.phase.name === "waiting" && this.phase.popup === "reported-closed") this.drop();
    else this.fail(error);
  }

  #to(phase: AttemptPhase): void {
    this.phase = phase;
    this.changed(this);
  }

  /** Into `done`: requests aborted, timers, listeners and windows cleaned up, the promise settled. */
  #close(phase: AttemptPhase, result?: ExchangeAuthCodeResponse): void {
    this.phase = phase;
    this.#abort.abort();
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#settle(result);
  }
}
