import { checkTimeoutMs, resolveRouteUrl } from "../client.js";
import { invalidRequest, OpenRouterAuthError, toOpenRouterAuthError } from "../errors.js";
import type { ConnectMessageId, ConnectMessages } from "../messages.js";
import { createPkcePair, hasWebCrypto, webCryptoMissing, type CodeChallengeMethod } from "../pkce.js";
import { maskKey } from "../rules.js";
import {
  exchangeAuthCodeRequestSchema,
  parseRequest,
  type CreateAuthKeysCodeRequest,
  type CreateAuthKeysCodeResponse,
  type ExchangeAuthCodeRequest,
  type ExchangeAuthCodeResponse,
  type ServerExchangeResponse,
} from "../schemas.js";
import { Attempt, type AttemptMode, type ConnectedResult } from "./attempt.js";
import { browserWindow, routeOf } from "./browser.js";
import { callbackWaitsFor, claimCallback, takeCallback, type CallbackOutcome } from "./callback.js";
import { exchangeOnce, exchangeOnServerOnce } from "./exchange-registry.js";
import { IDLE_SNAPSHOT as IDLE, safely } from "./idle.js";
import { mintedMode } from "./minted.js";
import type { FlowMode, ModeContext } from "./mode.js";
import { pasteMode } from "./paste.js";
import { clickStartsOver, fallbackMode, popupMode } from "./popup.js";
import { redirectMode } from "./redirect.js";

export type ConnectStatus = "idle" | "opening" | "awaiting-approval" | "exchanging" | "connected" | "error";
/** popup: consent page in a popup (default); redirect: in this tab; paste: OpenRouter's headless mode. */
export type ConnectMode = "popup" | "redirect" | "paste";
/** Spend controls for the minted flow (`POST /auth/keys/code`). */
export type MintOptions = Omit<CreateAuthKeysCodeRequest, "callbackUrl" | "codeChallenge" | "codeChallengeMethod">;
export type { ConnectedResult };

/** The codes' lifetime on OpenRouter: no wait of a flow lasts longer by default. */
export const DEFAULT_FLOW_TIMEOUT_MS = 10 * 60 * 1000;

const MODES: Record<AttemptMode, FlowMode> = { popup: popupMode, redirect: redirectMode, paste: pasteMode, minted: mintedMode };

export interface ConnectFlowOptions {
  /** Creates a code for the minted flow: `POST /auth/keys/code`, or your mint route. */
  createAuthCode: (request: CreateAuthKeysCodeRequest, options?: { signal?: AbortSignal }) => Promise<CreateAuthKeysCodeResponse>;
  /** Exchanges a code with OpenRouter in this browser: the key comes here. */
  exchangeAuthCode: (request: ExchangeAuthCodeRequest, options?: { signal?: AbortSignal }) => Promise<ExchangeAuthCodeResponse>;
  /**
   * Exchanges a code on your server instead (`client.exchangeAuthCodeOnServer`): the key stays there
   * and the flow gets `{ userId, keyHint }`. When set, every attempt exchanges through it and
   * `onKey` is never called.
   */
  exchangeOnServer?: (
    request: ExchangeAuthCodeRequest,
    options?: { signal?: AbortSignal; exchangeUrl?: string },
  ) => Promise<ServerExchangeResponse>;
  /**
   * Your server's exchange route for `exchangeOnServer`, instead of the client's own: a path on this
   * site, or https (http on a loopback host only). Checked before any window opens.
   */
  exchangeUrl?: string;
  /** The consent page; default `https://openrouter.ai/auth`. https, or http on a loopback host only. */
  authUrl?: string;
  /** Where OpenRouter sends the user back. Default: this page's origin and path, where the flow finishes the callback itself. */
  callbackUrl?: string;
  /** `popup` (default) keeps your page; `redirect` leaves it and comes back; `paste` uses OpenRouter's headless mode. */
  mode?: ConnectMode;
  /**
   * PKCE method. Browser flows use `S256` only (the default): `plain` would put the verifier in the
   * consent URL, and is refused with `invalid_request`.
   */
  codeChallengeMethod?: CodeChallengeMethod;
  /** Credit limit proposed on the consent page. */
  limit?: number;
  /** Label of the key in paste (headless) mode. */
  keyLabel?: string;
  /**
   * Minted flow: create the code with these spend controls through `POST /auth/keys/code` (needs
   * the provider's `apiKey`, or a `mintUrl` on your server). No window opens.
   */
  mint?: MintOptions;
  /** Deadline of one attempt in ms (1 to 2^32-1); default 10 minutes, the lifetime of a code. */
  timeoutMs?: number;
  /** The popup's `window.open` features; default `popup=yes,width=520,height=720`. */
  popupFeatures?: string;
  /**
   * What the popup shows until OpenRouter's page loads in it (`windowTitle`, `opening`), in the
   * reader's language; English where left out.
   */
  messages?: Partial<Pick<ConnectMessages, "windowTitle" | "opening">>;
  /**
   * Receives the user's new key when this browser exchanged the code (without `exchangeUrl`). The
   * key is not stored anywhere unless you ask for it.
   */
  onKey?: (result: ExchangeAuthCodeResponse) => void;
  /** Called once connected, in both modes: `{ userId, keyHint }`, and `key` only when this browser exchanged the code. */
  onConnected?: (connected: ConnectedResult) => void;
  /** Called with every failure; `error.code` is stable (`popup_closed`, `access_denied`, …). */
  onError?: (error: OpenRouterAuthError) => void;
  /** Called on every status change: idle, opening, awaiting-approval, exchanging, connected, error. */
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
  /** What a live region says now (`connectStatusText` words it, from `defaultMessages` or a translation); undefined when idle. */
  message: ConnectMessageId | undefined;
  /** Cancel is offered now: opening or waiting for approval, in every mode but minted. */
  canCancel: boolean;
  /** The key, when this browser exchanged the code. */
  result: ExchangeAuthCodeResponse | undefined;
  /** Once connected, in both modes: `{ userId, keyHint }`, and `key` when this browser exchanged the code. */
  connected: ConnectedResult | undefined;
  error: OpenRouterAuthError | undefined;
  /** The mode of the current attempt. */
  mode: ConnectMode | "minted" | undefined;
  /** After `popup_blocked`: how to go on without a popup (`continueInThisTab`). */
  fallback: "redirect" | "paste" | undefined;
  /** Paste mode, while waiting: the consent page, in case the new tab did not open. */
  pasteUrl: string | undefined;
  /** This window is a popup's callback page that handed its code back; it closes itself. */
  relayed: boolean;
}


/**
 * A flow that comes back by redirect is finished by the flow that started it (same `flowId`); any
 * other flow of the page takes it only if it is still unclaimed this long after (its starter is not on this page).
 */
const UNCLAIMED_CALLBACK_MS = 0;
/**
 * React's StrictMode (and a quick remount) unmounts and mounts again within one task: an attempt
 * outlives an unmount by this long, and ends (its popup closed) only if no mount follows.
 */
const REMOUNT_GRACE_MS = 0;

/** What the live region says while an attempt waits for its code. */
function waitingMessage(attempt: Attempt, popup: string | undefined): ConnectMessageId {
  if (attempt.mode === "redirect") return "redirecting";
  if (attempt.mode === "paste") return "awaiting-paste";
  return popup === "hidden-user-back" ? "popup-hidden" : "awaiting-popup";
}

/** The snapshot of `attempt`: every field a view needs, so views hold no flow rules. */
function snapshotOf(attempt: Attempt, relayed: boolean): ConnectSnapshot {
  const { phase, mode } = attempt;
  let status: ConnectStatus;
  let message: ConnectMessageId;
  if (phase.name === "opening") [status, message] = ["opening", mode === "minted" ? "creating-code" : "opening"];
  else if (phase.name === "exchanging") [status, message] = ["exchanging", "exchanging"];
  else if (phase.name === "done") [status, message] = phase.outcome === "connected" ? ["connected", "connected"] : ["error", "error"];
  else if (phase.popup === "reported-closed") [status, message] = ["error", "error"];
  else [status, message] = ["awaiting-approval", waitingMessage(attempt, phase.popup)];
  return {
    status,
    message,
    canCancel: (status === "opening" || status === "awaiting-approval") && mode !== "minted",
    result: attempt.result,
    connected: attempt.connected,
    error: attempt.error,
    mode,
    fallback: attempt.fallback,
    pasteUrl: phase.name === "waiting" ? attempt.pasteUrl : undefined,
    relayed,
  };
}


/** Browser flows use S256 only, and need WebCrypto for it: checked before any window opens. */
function checkBrowserPkce(method: unknown): void {
  if (method !== undefined && method !== "S256") {
    throw invalidRequest([
      { path: ["codeChallengeMethod"], message: 'must be "S256" in the browser ("plain" would put the verifier in the consent URL)' },
    ]);
  }
  if (!hasWebCrypto()) throw webCryptoMissing();
}

/**
 * The whole connect flow as a framework-free store (subscribe / getSnapshot): TanStack Query's
 * `MutationObserver` to `Attempt`'s `Mutation`. React binds it with useSyncExternalStore.
 * One attempt at a time; every wait ends (answer, Cancel, or the deadline).
 */
export class ConnectFlow {
  #options: ConnectFlowOptions;
  #snapshot: ConnectSnapshot = IDLE;
  #listeners = new Set<() => void>();
  #attempt: Attempt | undefined;
  #relayed = false;
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

  #set(next: ConnectSnapshot): void {
    const previous = this.#snapshot;
    // Only a change a view can show is published: no render for what the popup watcher alone learns.
    if (Object.keys(next).every((key) => next[key as keyof ConnectSnapshot] === previous[key as keyof ConnectSnapshot])) return;
    this.#snapshot = next;
    for (const listener of this.#listeners) listener();
    if (previous.status !== next.status) safely(() => this.#options.onStatusChange?.(next.status));
    const { error } = next;
    if (error && error !== previous.error) safely(() => this.#options.onError?.(error));
  }

  /** Publishes the current attempt's state; a replaced attempt's changes are not shown. */
  #publish = (attempt: Attempt): void => {
    if (attempt === this.#attempt) this.#set(snapshotOf(attempt, this.#relayed));
  };

  /** One attempt at a time: a new one (a click, or a callback claimed) ends the one before, its popup closed. */
  #begin(mode: AttemptMode): Attempt {
    this.#attempt?.drop();
    return (this.#attempt = new Attempt(mode, this.#publish));
  }

  /** The deadline of an attempt: `timeoutMs`, validated as the client validates it. */
  #timeoutMs(): number {
    const { timeoutMs } = this.#options;
    return timeoutMs === undefined ? DEFAULT_FLOW_TIMEOUT_MS : checkTimeoutMs(timeoutMs);
  }

  /** This flow's own callback route (origin + path): where it finishes a callback itself. */
  #ownRoute(): string | undefined {
    const win = browserWindow();
    return routeOf(this.#options.callbackUrl ?? (win && win.location.origin + win.location.pathname));
  }

  #context(win: Window, opened?: Window | null): ModeContext {
    return {
      win,
      opened,
      // Default: this page's origin and path, without query or fragment.
      callbackUrl: this.#options.callbackUrl ?? win.location.origin + win.location.pathname,
      options: this.#options,
      exchange: (attempt, code) => void this.#exchange(attempt, code),
      windowClosed: () => safely(this.#options.onWindowClosed),
    };
  }

  /**
   * Starts an attempt. Call it straight from a click handler: a popup is opened synchronously,
   * before anything is awaited, so browsers don't block it. Resolves with the key when this browser
   * exchanged the code, or `undefined` when the attempt failed (see `error`) or your server kept the key.
   *
   * `window`: for a caller whose click had to wait (for this code to load, say) before it could
   * call connect: the window it opened blank inside the click (`openFlowWindow`), or `null` when
   * the browser blocked it. The popup and paste modes take it instead of opening their own; a
   * window no attempt takes (another mode, invalid input, busy) is closed.
   */
  connect = (overrides: { mode?: ConnectMode; window?: Window | null } = {}): Promise<ExchangeAuthCodeResponse | undefined> => {
    const handed = overrides.window;
    const current = this.#attempt;
    let attempt: Attempt;
    if (current && !current.over && !clickStartsOver(current.phase)) {
      attempt = current;
      // Busy: bring its window to the front (a no-op for a window COOP cut off).
      try {
        // Stryker disable next-line OptionalChaining: equivalent: no window (redirect, minted, a blocked tab) throws a TypeError the catch takes as a severed popup's
        current.window?.focus();
      } catch {
        // a severed popup can't be focused
      }
    } else {
      attempt = this.#start(overrides.mode, handed);
    }
    if (handed && attempt.window !== handed) {
      try {
        handed.close();
      } catch {
        // already gone
      }
    }
    return attempt.settled;
  };

  #start(modeOverride: ConnectMode | undefined, handed: Window | null | undefined): Attempt {
    const options = this.#options;
    const attempt = this.#begin(options.mint ? "minted" : (modeOverride ?? options.mode ?? "popup"));
    const mode = MODES[attempt.mode];
    try {
      const win = browserWindow();
      if (!win) throw new OpenRouterAuthError("unsupported", "Connecting needs a browser window.");
      attempt.expireIn(this.#timeoutMs());
      checkBrowserPkce(options.codeChallengeMethod);
      if (options.exchangeUrl !== undefined) {
        resolveRouteUrl(options.exchangeUrl, "exchangeUrl");
        // Never exchange in the browser a code the app meant its server to exchange.
        if (!options.exchangeOnServer) throw invalidRequest([{ path: ["exchangeOnServer"], message: "is required with exchangeUrl" }]);
      }
      const ctx = this.#context(win, handed);
      mode.check(ctx);
      mode.open(attempt, ctx);
      if (!attempt.over) {
        this.#publish(attempt);
        void this.#run(attempt, mode, ctx);
      }
    } catch (error) {
      attempt.fail(toOpenRouterAuthError(error));
    }
    return attempt;
  }

  /** The part of an attempt after the click: the PKCE pair, then the mode's way to a code. */
  async #run(attempt: Attempt, mode: FlowMode, ctx: ModeContext): Promise<void> {
    try {
      const pair = await createPkcePair("S256");
      if (attempt.over) return;
      attempt.codeVerifier = pair.codeVerifier;
      await mode.start(attempt, ctx, pair);
    } catch (error) {
      attempt.fail(toOpenRouterAuthError(error));
    }
  }

  /** Ends the current attempt with `cancelled` (the visible Cancel). */
  cancel = (): void => {
    this.#attempt?.cancel();
  };

  /** Drops any attempt and result and goes back to `idle`. */
  reset = (): void => {
    this.#attempt?.drop();
    this.#attempt = undefined;
    this.#set({ ...IDLE, relayed: this.#relayed, message: this.#relayed ? "relayed" : undefined });
  };

  /** After `popup_blocked`: continue in this tab (redirect), or by pasting the code inside an iframe. */
  continueInThisTab = (): Promise<ExchangeAuthCodeResponse | undefined> => {
    return this.connect({ mode: this.#snapshot.fallback ?? fallbackMode() });
  };

  /** Paste mode: exchanges the code the user copied from OpenRouter (trimmed, validated, once). */
  submitCode = (pasted: string): Promise<ExchangeAuthCodeResponse | undefined> => {
    const attempt = this.#attempt;
    if (!attempt || attempt.mode !== "paste" || attempt.phase.name !== "waiting" || !attempt.codeVerifier) return Promise.resolve(undefined);
    try {
      // Not a string (a form's null, say): the schema refuses it as it is.
      const { code } = parseRequest(exchangeAuthCodeRequestSchema, { code: typeof pasted === "string" ? pasted.trim() : pasted });
      void this.#exchange(attempt, code);
    } catch (error) {
      attempt.fail(toOpenRouterAuthError(error));
    }
    return attempt.settled;
  };

  /**
   * Finishes a flow that came back to this page (`?code=` or `?error=` on this flow's callback
   * route): once per page load, however often it is called (StrictMode runs effects twice).
   */
  resume = (): void => {
    if (this.#resumed) return;
    this.#resumed = true;
    const route = this.#ownRoute();
    const outcome = takeCallback(route);
    if (outcome.kind === "relayed") {
      this.#relayed = true;
      return this.#set({ ...this.#snapshot, relayed: true, message: this.#snapshot.message ?? "relayed" });
    }
    // Another route's callback: no flow here claims it, now or later. (With no outcome,
    // callbackWaitsFor is false too: the first test only narrows the type.)
    if (outcome.kind === "none" || !callbackWaitsFor(route)) return;
    // Every flow on the page resumes. The one that started the redirect claims it now; any
    // other only if it is still unclaimed a moment later (its starter is not on this page).
    if (outcome.flowId === undefined || outcome.flowId === this.#options.flowId) this.#claim(outcome, route);
    else
      setTimeout(() => {
        if (this.#listeners.size > 0) this.#claim(outcome, route);
      }, UNCLAIMED_CALLBACK_MS);
  };

  #claim(outcome: Exclude<CallbackOutcome, { kind: "none" | "relayed" }>, route: string | undefined): void {
    // Claimed at once, so the page's other flows stay idle instead of all "exchanging".
    if (!claimCallback(route)) return;
    const attempt = this.#begin("redirect");
    try {
      attempt.expireIn(this.#timeoutMs());
      if (outcome.kind === "error") throw outcome.error;
      attempt.codeVerifier = outcome.codeVerifier;
      void this.#exchange(attempt, outcome.code);
    } catch (error) {
      attempt.fail(toOpenRouterAuthError(error));
    }
  }

  /**
   * For bindings: call on mount, call the returned function on unmount. An attempt whose owner
   * goes away for good is ended (its popup closed); a quick unmount and remount (StrictMode) keeps
   * it. A redirect under way is left alone: its page is leaving.
   */
  mount = (): (() => void) => {
    clearTimeout(this.#teardown);
    return () => {
      this.#teardown = setTimeout(() => {
        if (this.#attempt?.mode !== "redirect") this.#attempt?.drop();
      }, REMOUNT_GRACE_MS);
    };
  };

  /** A code arrived: exchanges it once (in this browser, or on your server), then connects the attempt. */
  async #exchange(attempt: Attempt, code: string): Promise<void> {
    if (!attempt.receive()) return; // a second answer, or one for an attempt that is over
    const { exchangeAuthCode, exchangeOnServer, exchangeUrl } = this.#options;
    const codeVerifier = attempt.codeVerifier;
    const request: ExchangeAuthCodeRequest = { code, codeVerifier, codeChallengeMethod: "S256" };
    const signal = attempt.signal;
    try {
      if (exchangeOnServer) {
        const { userId, keyHint } = await exchangeOnServerOnce(code, () => exchangeOnServer(request, { signal, exchangeUrl }), codeVerifier);
        attempt.connect({ userId, keyHint }, undefined);
      } else {
        const result = await exchangeOnce(code, () => exchangeAuthCode(request, { signal }), codeVerifier);
        attempt.connect({ userId: result.userId, keyHint: maskKey(result.key), key: result.key }, result);
      }
    } catch (error) {
      return attempt.fail(toOpenRouterAuthError(error));
    }
    const { result, connected } = attempt;
    if (!connected) return; // dropped meanwhile (reset, unmount)
    if (result) safely(() => this.#options.onKey?.(result));
    safely(() => this.#options.onConnected?.(connected));
  }
}

export function createConnectFlow(options: ConnectFlowOptions): ConnectFlow {
  return new ConnectFlow(options);
}
