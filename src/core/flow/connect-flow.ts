import { buildAuthorizationUrl, buildHeadlessAuthorizationUrl } from "../authorization-url.js";
import { invalidRequest, OpenRouterAuthError, toOpenRouterAuthError } from "../errors.js";
import { createPkcePair, type CodeChallengeMethod } from "../pkce.js";
import {
  createAuthKeysCodeRequestSchema,
  exchangeAuthCodeRequestSchema,
  parseRequest,
  type CreateAuthKeysCodeRequest,
  type CreateAuthKeysCodeResponse,
  type ExchangeAuthCodeRequest,
  type ExchangeAuthCodeResponse,
} from "../schemas.js";
import { clearPopupMarker, clearRedirectAttempt, saveRedirectAttempt, savePopupMarker } from "./attempt-store.js";
import { browserWindow, fallbackMode, randomId } from "./browser.js";
import { callbackError, consumeCallback, isCallbackPending, markCallbackDelivered, type CallbackOutcome } from "./callback.js";
import { exchangeOnce } from "./exchange-registry.js";
import { listenForCallback, type CallbackMessage } from "./popup-channel.js";

export type ConnectStatus = "idle" | "opening" | "awaiting-approval" | "exchanging" | "connected" | "error";
/** popup: consent page in a popup (default); redirect: in this tab; paste: OpenRouter's headless mode. */
export type ConnectMode = "popup" | "redirect" | "paste";
/** Spend controls for the minted flow (`POST /auth/keys/code`). */
export type MintOptions = Omit<CreateAuthKeysCodeRequest, "callbackUrl" | "codeChallenge" | "codeChallengeMethod">;

/** The codes' lifetime on OpenRouter: no wait of a flow lasts longer by default. */
export const DEFAULT_FLOW_TIMEOUT_MS = 10 * 60 * 1000;
/** How long after a visible popup closed we still wait for its message. */
const POPUP_CLOSED_GRACE_MS = 400;
/** Polls until the popup has been seen at the provider (fine enough to time it), then every 250 ms. */
const POPUP_FAST_POLL_MS = 5;
const POPUP_POLL_MS = 250;
/**
 * How long two polls must have found the popup at the provider (cross-origin) before `closed`
 * counts as the user closing it. A provider page that sends COOP shows that way only for a moment
 * before `closed` reads true while it is still open: under 15 ms in nearly all of ~250 Chromium
 * runs here, idle and loaded. Closing the consent page, even by a test the moment it loads, mostly
 * takes longer (scripts/popup-timing.mjs measures both).
 */
const POPUP_SETTLE_MS = 20;
/**
 * Now and then (a few runs in a hundred here) COOP cuts a popup off later than POPUP_SETTLE_MS. So a
 * popup that reads closed this soon after reaching the provider is reported `popup_closed`, but its
 * answer, if one still comes over the channel before the deadline, finishes the flow.
 */
const POPUP_LATE_ANSWER_MS = 1000;
const POPUP_NAME = "openrouter-connect";
const POPUP_FEATURES = "popup=yes,width=520,height=720";

export interface ConnectFlowOptions {
  createAuthCode: (request: CreateAuthKeysCodeRequest, options?: { signal?: AbortSignal }) => Promise<CreateAuthKeysCodeResponse>;
  exchangeAuthCode: (request: ExchangeAuthCodeRequest, options?: { signal?: AbortSignal }) => Promise<ExchangeAuthCodeResponse>;
  authUrl?: string;
  /** Default: this page's origin and path. */
  callbackUrl?: string;
  mode?: ConnectMode;
  codeChallengeMethod?: CodeChallengeMethod;
  limit?: number;
  /** Label for the key in paste (headless) mode. */
  keyLabel?: string;
  /** Run the minted flow instead: create the code with these spend controls, no window opens. */
  mint?: MintOptions;
  /** Deadline of one attempt; default 10 minutes, the codes' lifetime. */
  timeoutMs?: number;
  popupFeatures?: string;
  onKey?: (result: ExchangeAuthCodeResponse) => void;
  onError?: (error: OpenRouterAuthError) => void;
  onStatusChange?: (status: ConnectStatus) => void;
  /** A popup or tab the flow opened has closed: focus can return to the control that opened it. */
  onWindowClosed?: () => void;
  /**
   * Tells the flows of one page apart (useOpenRouterConnect passes React's `useId`): a redirect
   * that comes back is finished by the flow with the id that started it; another flow takes it
   * only when none of that id claims it right away.
   */
  flowId?: string;
}

export interface ConnectSnapshot {
  status: ConnectStatus;
  result: ExchangeAuthCodeResponse | undefined;
  error: OpenRouterAuthError | undefined;
  /** The mode of the current attempt. */
  mode: ConnectMode | "minted" | undefined;
  /** After `popup_blocked`: how to go on without a popup (`continueInThisTab`). */
  fallback: "redirect" | "paste" | undefined;
  /** Paste mode: the consent page, in case the new tab did not open. */
  pasteUrl: string | undefined;
  /** This window is a popup's callback page that handed its code back; it closes itself. */
  relayed: boolean;
}

// The other fields read as undefined: spelling them out costs users bytes.
const IDLE = Object.freeze({ status: "idle", relayed: false }) as ConnectSnapshot;

interface Attempt {
  id: string;
  mode: ConnectSnapshot["mode"];
  deadline: number;
  abort: AbortController;
  cleanups: Array<() => void>;
  done?: boolean;
  received?: boolean;
  /**
   * The popup read closed before we ever saw it at the provider: the user closed it early, or the
   * provider's COOP cut it off and it may still be open. We can't tell which, so the wait goes on
   * (answer, Cancel, deadline), and a new click starts over instead of focusing a window we can't reach.
   */
  unseen?: boolean;
  /** Already reported as failed (`popup_closed`), yet a late answer may still finish it. */
  reported?: boolean;
  popup?: Window | null;
  codeVerifier?: string;
  codeChallengeMethod: CodeChallengeMethod;
  promise: Promise<ExchangeAuthCodeResponse | undefined>;
  settle: (result: ExchangeAuthCodeResponse | undefined) => void;
}

function safely(callback: (() => void) | undefined): void {
  try {
    callback?.();
  } catch (error) {
    // A throwing user callback must not break the flow; surface it asynchronously.
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * The own fields of `mint`: a plain object, readable, without the fields the flow
 * sets itself (a spread would drop a number, `true` or an array silently).
 */
function mintFields(mint: unknown): Record<string, unknown> {
  let own: Record<string, unknown> | undefined;
  try {
    if (Object.prototype.toString.call(mint) === "[object Object]") own = Object.fromEntries(Object.entries(mint as object));
  } catch {
    // a throwing getter or Proxy trap: reported below
  }
  if (!own) throw invalidRequest([{ path: ["mint"], message: "must be a plain object whose fields can be read" }]);
  const reserved = ["callbackUrl", "codeChallenge", "codeChallengeMethod"].filter((key) => Object.prototype.hasOwnProperty.call(own, key));
  if (reserved.length) throw invalidRequest(reserved.map((key) => ({ path: ["mint", key], message: "unknown key (the flow sets it)" })));
  return own;
}

/**
 * The whole connect flow as a framework-free store (subscribe / getSnapshot), the
 * way TanStack Query's observers work: React binds it with useSyncExternalStore.
 * One attempt at a time; every wait ends (answer, Cancel, or the deadline).
 */
export class ConnectFlow {
  #options: ConnectFlowOptions;
  #snapshot: ConnectSnapshot = IDLE;
  #listeners = new Set<() => void>();
  #attempt: Attempt | undefined;
  #resumed = false;
  #teardown: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ConnectFlowOptions) {
    this.#options = options;
  }

  setOptions(options: ConnectFlowOptions): void {
    this.#options = options;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): ConnectSnapshot => this.#snapshot;
  getServerSnapshot = (): ConnectSnapshot => IDLE;

  #set(next: Partial<ConnectSnapshot>): void {
    const previous = this.#snapshot;
    this.#snapshot = { ...IDLE, relayed: previous.relayed, ...next };
    for (const listener of this.#listeners) listener();
    if (previous.status !== this.#snapshot.status) safely(() => this.#options.onStatusChange?.(this.#snapshot.status));
  }

  /**
   * Starts an attempt. Call it straight from a click handler: a popup is opened
   * synchronously, before anything is awaited, so browsers don't block it.
   * Resolves with the key, or `undefined` when the attempt failed (see `error`).
   */
  connect = (overrides: { mode?: ConnectMode } = {}): Promise<ExchangeAuthCodeResponse | undefined> => {
    const current = this.#attempt;
    if (current && !current.done) {
      if (!(current.unseen || current.reported) || current.received) {
        // Busy: bring its window to the front (a no-op for a window COOP cut off).
        try {
          current.popup?.focus();
        } catch {
          // a severed popup can't be focused
        }
        return current.promise;
      }
      // A popup we cannot see may be closed, or one was reported closed: this click means "try again".
      this.#finish(current);
    }
    const options = this.#options;
    const mode = options.mint ? "minted" : (overrides.mode ?? options.mode ?? "popup");
    const attempt = this.#begin(mode);
    const win = browserWindow();
    if (!win) {
      this.#fail(attempt, new OpenRouterAuthError("unsupported", "Connecting needs a browser window."));
      return attempt.promise;
    }
    // Default: this page's origin and path, without query or fragment.
    const callbackUrl = options.callbackUrl ?? win.location.origin + win.location.pathname;
    try {
      // A placeholder challenge lets us check every other input before a window opens.
      this.#target(mode, callbackUrl, "0".repeat(43), attempt.codeChallengeMethod);
    } catch (error) {
      this.#fail(attempt, toOpenRouterAuthError(error));
      return attempt.promise;
    }
    void this.#run(attempt, win, callbackUrl);
    return attempt.promise;
  };

  /** Ends the current attempt with `cancelled` (the visible Cancel). */
  cancel = (): void => {
    this.#fail(this.#attempt, new OpenRouterAuthError("cancelled", "Connecting was cancelled."));
  };

  /** Drops any attempt and result and goes back to `idle`. */
  reset = (): void => {
    this.#finish(this.#attempt);
    this.#set({});
  };

  /** After `popup_blocked`: continue in this tab (redirect), or by pasting the code inside an iframe. */
  continueInThisTab = (): Promise<ExchangeAuthCodeResponse | undefined> => {
    return this.connect({ mode: this.#snapshot.fallback ?? fallbackMode() });
  };

  /** Paste mode: exchanges the code the user copied from OpenRouter (trimmed, validated, once). */
  submitCode = (pasted: string): Promise<ExchangeAuthCodeResponse | undefined> => {
    const attempt = this.#attempt;
    if (!attempt || attempt.done || attempt.mode !== "paste" || attempt.received || !attempt.codeVerifier) {
      return Promise.resolve(undefined);
    }
    attempt.received = true;
    const code = String(pasted ?? "").trim();
    try {
      parseRequest(exchangeAuthCodeRequestSchema, { code });
    } catch (error) {
      this.#fail(attempt, toOpenRouterAuthError(error));
      return attempt.promise;
    }
    void this.#exchange(attempt, code);
    return attempt.promise;
  };

  /**
   * Finishes a flow that came back to this page (`?code=` or `?error=`): once per
   * page load, however often it is called (StrictMode runs effects twice).
   */
  resume = (): void => {
    if (this.#resumed) return;
    this.#resumed = true;
    const outcome = consumeCallback();
    if (outcome.kind === "relayed") {
      this.#set({ relayed: true });
      return;
    }
    if (!isCallbackPending() || outcome.kind === "none") return;
    // Every flow on the page resumes. The one that started the redirect claims it now; any
    // other only if it is still unclaimed a moment later (its starter is not on this page).
    if (outcome.flowId === undefined || outcome.flowId === this.#options.flowId) this.#claim(outcome);
    else
      setTimeout(() => {
        if (this.#listeners.size > 0) this.#claim(outcome);
      }, 0);
  };

  #claim(outcome: Exclude<CallbackOutcome, { kind: "none" | "relayed" }>): void {
    if (!isCallbackPending()) return;
    // Claimed at once, so the page's other flows stay idle instead of all "exchanging".
    markCallbackDelivered();
    const attempt = this.#begin("redirect");
    if (outcome.kind === "error") {
      this.#fail(attempt, outcome.error);
      return;
    }
    attempt.codeVerifier = outcome.codeVerifier;
    attempt.codeChallengeMethod = outcome.codeChallengeMethod;
    attempt.received = true;
    void this.#exchange(attempt, outcome.code);
  }

  /**
   * For bindings: call on mount, call the returned function on unmount. An attempt
   * whose owner goes away for good is ended (its popup closed); a quick unmount and
   * remount (StrictMode) keeps it.
   */
  mount = (): (() => void) => {
    clearTimeout(this.#teardown);
    return () => {
      this.#teardown = setTimeout(() => {
        if (this.#attempt?.mode !== "redirect") this.#finish(this.#attempt);
      }, 0);
    };
  };

  /**
   * The consent page URL of `mode`, or for minted the request that creates the code, after
   * validating every input: throws `invalid_request`.
   */
  #target(mode: ConnectSnapshot["mode"], callbackUrl: string, codeChallenge: string, codeChallengeMethod: CodeChallengeMethod): string | CreateAuthKeysCodeRequest {
    const options = this.#options;
    if (mode === "minted") {
      const request = { ...mintFields(options.mint), callbackUrl, codeChallenge, codeChallengeMethod };
      parseRequest(createAuthKeysCodeRequestSchema, request);
      return request;
    }
    const common = { codeChallenge, codeChallengeMethod, limit: options.limit, authUrl: options.authUrl };
    return mode === "paste" ? buildHeadlessAuthorizationUrl({ ...common, keyLabel: options.keyLabel }) : buildAuthorizationUrl({ callbackUrl, ...common });
  }

  #begin(mode: ConnectSnapshot["mode"]): Attempt {
    let settle!: Attempt["settle"];
    const promise = new Promise<ExchangeAuthCodeResponse | undefined>((resolve) => (settle = resolve));
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS;
    const attempt: Attempt = {
      id: randomId(),
      mode,
      deadline: Date.now() + timeoutMs,
      abort: new AbortController(),
      cleanups: [],
      codeChallengeMethod: this.#options.codeChallengeMethod ?? "S256",
      promise,
      settle,
    };
    const timer = setTimeout(
      () => this.#fail(attempt, new OpenRouterAuthError("timeout", `No answer within ${Math.round(timeoutMs / 1000)} s; please try again.`)),
      timeoutMs,
    );
    attempt.cleanups.push(() => clearTimeout(timer));
    this.#attempt = attempt;
    return attempt;
  }

  /**
   * Runs an attempt that passed validation. Everything before the first `await` runs inside
   * the caller's click, so a popup or tab opens before the browser's user-activation ends.
   */
  async #run(attempt: Attempt, win: Window, callbackUrl: string): Promise<void> {
    const options = this.#options;
    const mode = attempt.mode;
    let popup: Window | null = null;
    if (mode === "popup") {
      // The popup gets a copy of this sessionStorage when window.open creates it.
      savePopupMarker(attempt.id, attempt.deadline);
      attempt.cleanups.push(() => clearPopupMarker(attempt.id));
    }
    if (mode === "popup" || mode === "paste") {
      try {
        popup = (mode === "popup" ? win.open("", POPUP_NAME, options.popupFeatures ?? POPUP_FEATURES) : win.open("", "_blank")) ?? null;
      } catch {
        // blocked
      }
      attempt.popup = popup;
    }
    if (mode === "popup") {
      if (!popup) {
        this.#fail(attempt, new OpenRouterAuthError("popup_blocked", "The browser blocked the OpenRouter window."), { fallback: fallbackMode() });
        return;
      }
      try {
        popup.document.title = "OpenRouter";
        popup.document.body.textContent = "Opening OpenRouter…";
      } catch {
        // a reused popup may already be elsewhere
      }
    }
    this.#set({ status: "opening", mode });
    try {
      const pair = await createPkcePair(attempt.codeChallengeMethod);
      const target = this.#target(mode, callbackUrl, pair.codeChallenge, pair.codeChallengeMethod);
      const url = target as string;
      if (attempt.done) return;
      attempt.codeVerifier = pair.codeVerifier;
      if (mode === "minted") {
        const { data } = await options.createAuthCode(target as CreateAuthKeysCodeRequest, { signal: attempt.abort.signal });
        if (attempt.done) return;
        attempt.received = true;
        return await this.#exchange(attempt, data.id);
      }
      if (mode === "popup") {
        attempt.cleanups.push(listenForCallback(attempt.id, popup as Window, (message) => this.#onCallback(attempt, message)));
        if ((popup as Window).closed) throw new OpenRouterAuthError("popup_closed", "The OpenRouter window was closed.");
        (popup as Window).location.replace(url);
      } else if (mode === "redirect") {
        const saved = saveRedirectAttempt({
          attemptId: attempt.id,
          codeVerifier: pair.codeVerifier,
          codeChallengeMethod: pair.codeChallengeMethod,
          callbackUrl,
          expiresAt: attempt.deadline,
          flowId: options.flowId,
        });
        if (!saved) throw new OpenRouterAuthError("unsupported", "This browser blocks sessionStorage, which the redirect flow needs; use the popup.");
        // Cleanups only run if this page is still alive (timeout, Cancel, back from the
        // bfcache): then the record must go. A page that left keeps it for the return.
        attempt.cleanups.push(clearRedirectAttempt);
        win.addEventListener(
          "pageshow",
          (event) => {
            if (event.persisted) this.#fail(attempt, new OpenRouterAuthError("cancelled", "You came back before approving on OpenRouter."));
          },
          { signal: attempt.abort.signal },
        );
      } else if (popup) {
        try {
          popup.opener = null; // the consent tab needs no way back to this page
          popup.location.replace(url);
        } catch {
          // the link in `pasteUrl` still works
        }
      }
      this.#set({ status: "awaiting-approval", mode, pasteUrl: mode === "paste" ? url : undefined });
      if (mode === "popup") this.#watchPopup(attempt, popup as Window);
      else if (mode === "redirect") {
        attempt.received = true;
        win.location.assign(url);
      }
    } catch (error) {
      this.#fail(attempt, toOpenRouterAuthError(error));
    }
  }

  #watchPopup(attempt: Attempt, popup: Window): void {
    // While the popup shows the provider's page, reading its location throws: we have seen it there
    // once two polls POPUP_SETTLE_MS apart found it so. A provider's Cross-Origin-Opener-Policy makes
    // `closed` read true while it is still open; then only its message, Cancel or the deadline end the wait.
    let seenAtProvider: number | undefined;
    let atProviderSince: number | undefined;
    let timer: ReturnType<typeof setTimeout>;
    const poll = () => {
      if (attempt.done || attempt.received) return;
      let closed = true;
      try {
        closed = popup.closed;
      } catch {
        // unreadable: counts as closed
      }
      if (closed) {
        if (!seenAtProvider) {
          attempt.unseen = true;
          return;
        }
        const soon = Date.now() - seenAtProvider < POPUP_LATE_ANSWER_MS;
        timer = setTimeout(() => {
          if (attempt.received) return;
          this.#fail(attempt, new OpenRouterAuthError("popup_closed", "The OpenRouter window was closed before approval."), {}, soon);
        }, POPUP_CLOSED_GRACE_MS);
        return;
      }
      try {
        void popup.location.href;
        atProviderSince = undefined;
      } catch {
        atProviderSince ??= Date.now();
        if (Date.now() - atProviderSince >= POPUP_SETTLE_MS) seenAtProvider ??= Date.now();
      }
      timer = setTimeout(poll, seenAtProvider ? POPUP_POLL_MS : POPUP_FAST_POLL_MS);
    };
    timer = setTimeout(poll, POPUP_FAST_POLL_MS);
    attempt.cleanups.push(() => clearTimeout(timer));
  }

  #onCallback(attempt: Attempt, message: CallbackMessage): void {
    if (attempt.done || attempt.received) return;
    attempt.received = true;
    attempt.reported = false;
    this.#closeWindow(attempt);
    if (message.code !== undefined) void this.#exchange(attempt, message.code);
    else this.#fail(attempt, callbackError(message.error ?? "unknown"));
  }

  async #exchange(attempt: Attempt, code: string): Promise<void> {
    if (attempt.done) return;
    this.#set({ status: "exchanging", mode: attempt.mode });
    // Every way here set the verifier first.
    const request: ExchangeAuthCodeRequest = { code, codeVerifier: attempt.codeVerifier, codeChallengeMethod: attempt.codeChallengeMethod };
    try {
      const result = await exchangeOnce(code, () => this.#options.exchangeAuthCode(request, { signal: attempt.abort.signal }), attempt.codeVerifier);
      if (attempt.done) return;
      this.#finish(attempt, result);
      this.#set({ status: "connected", result, mode: attempt.mode });
      safely(() => this.#options.onKey?.(result));
    } catch (error) {
      this.#fail(attempt, toOpenRouterAuthError(error));
    }
  }

  /**
   * Reports `error` and ends the attempt, or with `listening` keeps its channel open for a late
   * answer. An attempt already reported only ends, quietly (deadline, Cancel): one error is enough.
   */
  #fail(attempt: Attempt | undefined, error: OpenRouterAuthError, extra: Partial<ConnectSnapshot> = {}, listening = false): void {
    if (!attempt || attempt.done || this.#attempt !== attempt) return;
    if (attempt.reported) return this.#finish(attempt);
    if (listening) {
      // Reported, not ended: focus comes back now, a click starts over.
      // Its markers go now (the popup holds its own copy); nothing half-finished stays in storage.
      attempt.reported = true;
      this.#closeWindow(attempt);
      clearPopupMarker(attempt.id);
      attempt.settle(undefined);
    } else this.#finish(attempt);
    this.#set({ status: "error", error, mode: attempt.mode, ...extra });
    safely(() => this.#options.onError?.(error));
  }

  #closeWindow(attempt: Attempt): void {
    const popup = attempt.popup;
    if (!popup || attempt.mode === "paste") return;
    attempt.popup = undefined;
    try {
      if (!popup.closed) popup.close();
    } catch {
      // severed or already gone
    }
    safely(this.#options.onWindowClosed);
  }

  #finish(attempt: Attempt | undefined, result?: ExchangeAuthCodeResponse): void {
    if (!attempt || attempt.done) return;
    attempt.done = true;
    this.#closeWindow(attempt);
    attempt.abort.abort();
    for (const cleanup of attempt.cleanups.splice(0)) cleanup();
    attempt.settle(result);
  }
}

export function createConnectFlow(options: ConnectFlowOptions): ConnectFlow {
  return new ConnectFlow(options);
}
