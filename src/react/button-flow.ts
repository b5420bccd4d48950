import { OpenRouterAuthError } from "../core/auth-error.js";
import { browserWindow } from "../core/flow/browser.js";
import { mayCarryCallback } from "../core/flow/callback-hint.js";
import type { ConnectFlow, ConnectSnapshot, ConnectStatus } from "../core/flow/connect-flow.js";
import { openFlowWindow } from "../core/flow/flow-window.js";
import { IDLE_SNAPSHOT as IDLE, safely } from "../core/flow/idle.js";
import type { FlowInput, FlowPart } from "./flow-part.js";
import { flowPartNow } from "./flow-registry.js";
import { loadFlowPart } from "./lazy-flow.js";

// ConnectButton's flow, which loads on first interaction: a store (subscribe / getSnapshot) over a
// `ConnectFlow` that exists once the flow part is here. Until then it answers for the flow: idle;
// busy while a click waits for the flow part (with the window that click opened); or the error
// that kept the flow from starting (`load_failed`). Every status goes to `onStatusChange` once,
// whoever changed it.

/** How long a click waits for the flow part before it ends with `load_failed`. */
export const FLOW_PART_TIMEOUT_MS = 30_000;


/** A click that waits for the flow part, and the window it opened (null: blocked; undefined: its mode opens none). */
interface WaitingClick {
  window: Window | null | undefined;
}


export class ButtonFlow {
  #input: FlowInput;
  #flow: ConnectFlow | undefined;
  /** What the button shows while no flow answers. */
  #early = IDLE;
  #waiting: WaitingClick | undefined;
  #listeners = new Set<() => void>();
  #mounted = false;
  #unmountFlow: (() => void) | undefined;
  #reported: ConnectStatus = "idle";

  constructor(input: FlowInput) {
    this.#input = input;
    const part = flowPartNow();
    if (part) this.#attach(part);
  }

  /** The button's props and context of its last render (a layout effect sets them, before any event). */
  setInput(input: FlowInput): void {
    this.#input = input;
    // A flow exists only once its part is registered (flow-registry.ts).
    const part = flowPartNow();
    if (part && this.#flow) this.#flow.setOptions(part.optionsFor(this.#flowInput()));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Also the server's: a flow that exists there is idle, as the store is without one. */
  getSnapshot = (): ConnectSnapshot => (!this.#waiting && this.#flow?.getSnapshot()) || this.#early;

  #emit = (): void => {
    for (const listener of this.#listeners) listener();
  };

  /** Each status once, in order: a waiting click says `opening` before its flow does. */
  #report = (status: ConnectStatus): void => {
    if (status !== this.#reported) safely(() => this.#input.options.onStatusChange?.((this.#reported = status)));
  };

  #flowInput(): FlowInput {
    return { ...this.#input, options: { ...this.#input.options, onStatusChange: this.#report } };
  }

  #show(snapshot: ConnectSnapshot): void {
    this.#early = snapshot;
    this.#report(snapshot.status);
    this.#emit();
  }

  /**
   * The flow, made once the flow part is here, and mounted with the button. Undefined when it
   * can't be made: the provider's client options are invalid (`invalid_request`, shown).
   */
  #attach(part: FlowPart): ConnectFlow | undefined {
    if (!this.#flow) {
      try {
        this.#flow = part.createFlow(this.#flowInput());
      } catch (error) {
        return this.#fail(error);
      }
      this.#flow.subscribe(this.#emit);
      if (this.#mounted) this.#mountFlow(this.#flow);
      this.#emit();
    }
    return this.#flow;
  }

  #mountFlow(flow: ConnectFlow): void {
    this.#unmountFlow = flow.mount();
    flow.resume();
  }

  /** For the button: call on mount, call the returned function on unmount. */
  mount = (): (() => void) => {
    this.#mounted = true;
    if (this.#flow) this.#mountFlow(this.#flow);
    // Back from OpenRouter (a redirect's ?code=, a popup's callback page): the flow part loads at once.
    else if (mayCarryCallback(this.#input.options.callbackUrl))
      loadFlowPart().then(
        (part) => void this.#attach(part),
        // A click waiting on the same load reports it; a button gone meanwhile reports nothing.
        (error: unknown) => void (this.#mounted && !this.#waiting && this.#fail(error)),
      );
    return () => {
      this.#mounted = false;
      this.#unmountFlow?.();
    };
  };

  /** Loads the flow part ahead of a click (the button's first pointerenter, focus or touchstart). */
  prefetch = (): void => {
    loadFlowPart().catch(() => {}); // a click reports a failure, and tries again
  };

  /**
   * The button's click. With the flow part here, the flow starts at once (`ConnectFlow.connect`).
   * Without it, the click opens the window its mode needs now, while it still may (browsers block
   * a window opened after an await), waits for the flow part, and hands the window over.
   */
  connect = (): void => {
    if (this.#waiting) return; // the click before is still on its way
    const part = flowPartNow();
    if (part) return void this.#attach(part)?.connect();
    const { mint, mode = "popup", popupFeatures } = this.#input.options;
    const win = browserWindow();
    const click: WaitingClick = { window: win && !mint && mode !== "redirect" ? openFlowWindow(win, mode, popupFeatures) : undefined };
    this.#waiting = click;
    this.#show({ ...IDLE, status: "opening" });
    // Every wait has an end: a part that never comes fails the click at the deadline.
    const failed = (cause: unknown): void => {
      clearTimeout(timer);
      if (this.#waiting !== click) return; // reset meanwhile, or loaded first
      this.#drop(click);
      // A button gone meanwhile is idle again, should it come back (a remount, <Activity>).
      if (this.#mounted) this.#fail(cause);
      else this.#show(IDLE);
    };
    const timer = setTimeout(() => failed(new Error(`not loaded within ${FLOW_PART_TIMEOUT_MS} ms`)), FLOW_PART_TIMEOUT_MS);
    loadFlowPart().then((loaded) => {
      clearTimeout(timer);
      if (this.#waiting !== click) return; // reset meanwhile, or past its deadline
      // A button gone meanwhile (a remount, as StrictMode's, comes back at once) starts nothing.
      const flow = this.#mounted && this.#attach(loaded);
      if (!flow) {
        this.#drop(click);
        if (!this.#mounted) this.#show(IDLE); // unmounted: idle again; otherwise #attach showed its error
        return;
      }
      this.#waiting = undefined;
      void flow.connect({ window: click.window });
    }, failed);
  };

  /** Forgets a click that still waits, and closes its window. */
  #drop(click: WaitingClick): void {
    if (this.#waiting !== click) return;
    this.#waiting = undefined;
    try {
      click.window?.close();
    } catch {
      // already gone
    }
  }

  /** The flow could not start: its part did not load (`load_failed`), or the provider's options are invalid. */
  #fail = (cause: unknown): undefined => {
    const error =
      cause instanceof OpenRouterAuthError
        ? cause
        : new OpenRouterAuthError("load_failed", "ConnectButton's flow part (a chunk of openrouter-connect) did not load; the next click tries again.", { cause });
    this.#show({ ...IDLE, status: "error", message: "error", error });
    safely(() => this.#input.options.onError?.(error));
    return undefined;
  };

  /** Back to idle: drops a waiting click (closing its window) and the flow's attempt. */
  reset = (): void => {
    if (this.#waiting) this.#drop(this.#waiting);
    this.#flow?.reset();
    this.#show(IDLE);
  };

  /** The flow, once the flow part made it: the part's views (Cancel, paste) act on it directly. */
  get connectFlow(): ConnectFlow | undefined {
    return this.#flow;
  }
}
