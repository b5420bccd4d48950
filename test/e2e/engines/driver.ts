// One driver interface for the e2e suite, whatever the engine: tests get a `BrowserSession` (one test's
// isolated browser: a Playwright context, a Firefox user context, a WebKit session) and its
// `Window`s, and find elements with `Locator`s built from roles, labels and test ids. Each engine
// file (chromium.ts, firefox.ts, webkit.ts) supplies only the primitives below (`EngineWindow`,
// `EngineSession`); everything a test calls is written once, here.
//
// - Elements are found in the page by page-query.js with Testing Library's queries (the same
//   role and label semantics as the unit tests), installed into a page the first time a locator
//   needs it.
// - Clicks are real input: the driver's pointer click at the element's centre, after the page
//   said the element is visible, enabled and not covered there. A window opened by such a click
//   has a user gesture behind it in every engine.
// - Every wait has a deadline (`timeout`, default 5 s) and says what it waited for.
// - Scripts the test runs in a page carry no user activation (puppeteer's own evaluate would
//   grant one in Firefox, which would let any later popup through its blocker).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export type EngineName = "chromium" | "firefox" | "webkit";
export const ENGINES: readonly EngineName[] = ["chromium", "firefox", "webkit"];

/** The primitives an engine supplies for one top-level window (a tab or a popup). */
export interface EngineWindow {
  /** Stable for the window's life; unique within its session. */
  readonly id: string;
  /** Navigates and waits for the load event. */
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  back(): Promise<void>;
  forward(): Promise<void>;
  url(): Promise<string>;
  /**
   * Calls the function expression `source` with `argument` (JSON) in the page's main world, with
   * no user activation, and returns its (awaited) result JSON-cloned.
   */
  call(source: string, argument: unknown): Promise<unknown>;
  /** A real pointer click (move, press, release) at viewport coordinates. */
  clickAt(x: number, y: number): Promise<void>;
  /** Brings the window to the front, as a user returning to it does (the page gets `focus`). */
  bringToFront(): Promise<void>;
  close(): Promise<void>;
  isClosed(): Promise<boolean>;
}

/** One test's browser: isolated storage, its own windows. */
export interface EngineSession {
  /** The open windows; the same EngineWindow object for the same window every time. */
  windows(): Promise<EngineWindow[]>;
  newWindow(): Promise<EngineWindow>;
  close(): Promise<void>;
}

/** An engine started once per worker. */
export interface Engine {
  readonly name: EngineName;
  /** Launch time of the browser (or driver), for the report. */
  readonly launchMs: number;
  newSession(): Promise<EngineSession>;
  close(): Promise<void>;
}

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

export const DEFAULT_TIMEOUT = 5_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Rejects with TimeoutError when `promise` takes longer than `ms`. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new TimeoutError(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Calls `attempt` until it returns something other than undefined, every `interval` ms, for at
 * most `timeout` ms; errors thrown meanwhile (a page navigating) count as "not yet".
 */
export async function poll<T>(attempt: () => Promise<T | undefined>, { timeout = DEFAULT_TIMEOUT, interval = 50, what }: { timeout?: number; interval?: number; what: string }): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const why = last instanceof Error ? ` (last error: ${last.message.split("\n")[0]})` : "";
      throw new TimeoutError(`${what}: not within ${timeout} ms${why}`);
    }
    await sleep(interval);
  }
}

// ---------------------------------------------------------------- page scripts

const require = createRequire(import.meta.url);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
/** Strips the leading comment block and the eslint line of a page script file. */
const pageScript = (file: string) => readFileSync(here(file), "utf8").replace(/^(\s*(\/\/[^\n]*|\/\*[^]*?\*\/)\n)+/, "").trim();

const QUERY_SOURCE = pageScript("./page-query.js");
const PROBE_SOURCE = pageScript("./page-probe.js");
// Testing Library's browser build (shipped in @testing-library/dom, a dev dependency already).
const TESTING_LIBRARY_SOURCE = readFileSync(require.resolve("@testing-library/dom/dist/@testing-library/dom.umd.min.js"), "utf8");
const INSTALL_TESTING_LIBRARY = `function () { ${TESTING_LIBRARY_SOURCE}\n; return typeof window.TestingLibraryDom; }`;

export interface ProbeOptions {
  /** window.open answers null: a stand-in blocker for an engine whose automation lets every popup through. */
  blockPopups?: boolean;
  /** window.close does nothing (a browser that keeps a popup open). */
  ignoreWindowClose?: boolean;
  /** Patterns reported (`dom`) the first time they show in the document's text or attributes. */
  watchDom?: DomWatch[];
}

/** A pattern the page probe watches the DOM for (a RegExp's source and flags; see page-probe.js). */
export interface DomWatch {
  name: string;
  pattern: string;
  flags?: string;
}

/** Watches for `text` itself (not a pattern). */
export function watchText(name: string, text: string): DomWatch {
  return { name, pattern: text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") };
}

/** The script the proxy puts first into every document (see page-probe.js). */
export function probeScript(options: ProbeOptions = {}): string {
  return `(${PROBE_SOURCE})(${JSON.stringify(options)});`;
}

// ---------------------------------------------------------------- locators

type TextMatch = string | RegExp;
type WireText = string | { source: string; flags: string };
type Step =
  | { by: "css"; selector: string }
  | { by: "testid"; id: string }
  | { by: "label"; text: WireText }
  | { by: "text"; text: WireText }
  | { by: "role"; role: string; name?: WireText; level?: number }
  | { by: "nth"; index: number }
  | { by: "hasText"; text: WireText };

const wire = (text: TextMatch): WireText => (typeof text === "string" ? text : { source: text.source, flags: text.flags });
const show = (text: WireText) => (typeof text === "string" ? JSON.stringify(text) : `/${text.source}/${text.flags}`);

function describeStep(step: Step): string {
  switch (step.by) {
    case "css":
      return `locator(${JSON.stringify(step.selector)})`;
    case "testid":
      return `getByTestId(${JSON.stringify(step.id)})`;
    case "label":
      return `getByLabel(${show(step.text)})`;
    case "text":
      return `getByText(${show(step.text)})`;
    case "role":
      return `getByRole(${JSON.stringify(step.role)}${step.name === undefined ? "" : `, name ${show(step.name)}`}${step.level === undefined ? "" : `, level ${step.level}`})`;
    case "nth":
      return `nth(${step.index})`;
    case "hasText":
      return `filter(hasText ${show(step.text)})`;
  }
}

export interface ElementState {
  count: number;
  visible?: boolean;
  enabled?: boolean;
  text?: string;
  value?: string | null;
  attributes?: Record<string, string>;
}

abstract class Scope {
  protected abstract readonly scopeWindow: Window;
  protected abstract readonly steps: Step[];

  locator(selector: string): Locator {
    return new Locator(this.scopeWindow, [...this.steps, { by: "css", selector }]);
  }
  getByTestId(id: string): Locator {
    return new Locator(this.scopeWindow, [...this.steps, { by: "testid", id }]);
  }
  getByLabel(text: TextMatch): Locator {
    return new Locator(this.scopeWindow, [...this.steps, { by: "label", text: wire(text) }]);
  }
  getByText(text: TextMatch): Locator {
    return new Locator(this.scopeWindow, [...this.steps, { by: "text", text: wire(text) }]);
  }
  getByRole(role: string, options: { name?: TextMatch; level?: number } = {}): Locator {
    return new Locator(this.scopeWindow, [
      ...this.steps,
      { by: "role", role, ...(options.name === undefined ? {} : { name: wire(options.name) }), ...(options.level === undefined ? {} : { level: options.level }) },
    ]);
  }
}

/** A lazy description of elements in one window, resolved afresh by every operation. */
export class Locator extends Scope {
  constructor(
    readonly window: Window,
    readonly chain: Step[],
  ) {
    super();
  }
  protected override get scopeWindow() {
    return this.window;
  }
  protected override get steps() {
    return this.chain;
  }

  override toString(): string {
    return this.chain.map(describeStep).join(".");
  }

  nth(index: number): Locator {
    return new Locator(this.window, [...this.chain, { by: "nth", index }]);
  }
  first(): Locator {
    return this.nth(0);
  }
  filter({ hasText }: { hasText: TextMatch }): Locator {
    // The matches whose text contains `hasText` (a string) or matches it (a RegExp).
    return new Locator(this.window, [...this.chain, { by: "hasText", text: wire(hasText) }]);
  }

  /** Runs page-query.js for this chain (installing Testing Library in the page if needed). */
  async query<T>(op: string, extra: Record<string, unknown> = {}): Promise<T> {
    return this.window.runQuery<T>({ chain: this.chain, op, ...extra });
  }

  async count(): Promise<number> {
    return (await this.query<{ count: number }>("count")).count;
  }
  /** The text of every match (whitespace kept as in the page), in document order. */
  async allTextContents(): Promise<string[]> {
    return (await this.query<{ raw: string[] }>("texts")).raw;
  }
  async state(): Promise<ElementState> {
    return this.query<ElementState>("state");
  }
  /** The one element's text content (raw), waiting for exactly one match. */
  async textContent(options: { timeout?: number } = {}): Promise<string> {
    const state = await this.waitForOne("textContent", options.timeout);
    return (await this.query<{ raw: string[] }>("texts")).raw[0] ?? state.text ?? "";
  }
  async getAttribute(name: string): Promise<string | null> {
    const state = await this.waitForOne("getAttribute");
    return state.attributes?.[name] ?? null;
  }
  async isVisible(): Promise<boolean> {
    const state = await this.state();
    return state.count === 1 && state.visible === true;
  }

  private async waitForOne(what: string, timeout = DEFAULT_TIMEOUT): Promise<ElementState> {
    return poll(
      async () => {
        const state = await this.state();
        if (state.count > 1) throw new Error(`${this} matches ${state.count} elements`);
        return state.count === 1 ? state : undefined;
      },
      { timeout, what: `${what}: ${this} in ${await this.window.describe()}` },
    );
  }

  /** A real click at the element's centre, once it is visible, enabled and uncovered. */
  async click({ timeout = DEFAULT_TIMEOUT }: { timeout?: number } = {}): Promise<void> {
    let why = "not found";
    const point = await poll(
      async () => {
        const answer = await this.query<{ count: number; ready?: boolean; why?: string; x?: number; y?: number }>("point");
        if (answer.count !== 1) {
          why = answer.count === 0 ? "not found" : `${answer.count} matches`;
          if (answer.count > 1) throw new Error(`${this} matches ${answer.count} elements`);
          return undefined;
        }
        if (!answer.ready) {
          why = answer.why ?? "not ready";
          return undefined;
        }
        return { x: answer.x as number, y: answer.y as number };
      },
      { timeout, interval: 50, what: `click ${this}` },
    ).catch((error: Error) => {
      throw new TimeoutError(`${error.message} (${why})`);
    });
    await this.window.engineWindow.clickAt(point.x, point.y);
  }

  /** Clicks the field, then puts `text` in it as a paste does (replacing its content). */
  async fill(text: string): Promise<void> {
    await this.click();
    const answer = await this.query<{ count: number }>("fill", { text });
    if (answer.count !== 1) throw new Error(`fill: ${this} matches ${answer.count} elements`);
  }

  /** Chooses the option with this value or label of a <select> (as Playwright's selectOption does). */
  async selectOption(value: string): Promise<void> {
    await this.waitForOne("selectOption");
    const answer = await this.query<{ count: number; error?: string }>("select", { value });
    if (answer.error) throw new Error(`selectOption ${this}: ${answer.error}`);
  }

  /**
   * Calls the element's click() from a script: a click with no user gesture behind it. Only for
   * tests of an engine's popup blocker; everything else uses click().
   */
  async dispatchClickWithoutGesture(): Promise<void> {
    await this.waitForOne("dispatchClickWithoutGesture");
    await this.query("dispatch-click");
  }
}

// ---------------------------------------------------------------- windows

export type PageFunction<A, R> = (argument: A) => R | Promise<R>;

/** A top-level window of a test's browser: the page the test opened, a popup, a tab. */
export class Window extends Scope {
  protected override readonly steps: Step[] = [];
  protected override get scopeWindow() {
    return this;
  }
  constructor(
    readonly engineWindow: EngineWindow,
    readonly session: BrowserSession,
  ) {
    super();
  }

  get engine(): EngineName {
    return this.session.engine;
  }

  async describe(): Promise<string> {
    try {
      return await withDeadline(this.engineWindow.url(), 1000, "url");
    } catch {
      return `window ${this.engineWindow.id}`;
    }
  }

  goto(url: string): Promise<void> {
    return withDeadline(this.engineWindow.goto(url), 15_000, `goto ${url}`);
  }
  reload(): Promise<void> {
    return withDeadline(this.engineWindow.reload(), 15_000, "reload");
  }
  goBack(): Promise<void> {
    return withDeadline(this.engineWindow.back(), 15_000, "back");
  }
  goForward(): Promise<void> {
    return withDeadline(this.engineWindow.forward(), 15_000, "forward");
  }
  url(): Promise<string> {
    return withDeadline(this.engineWindow.url(), 5_000, "url");
  }
  close(): Promise<void> {
    return withDeadline(this.engineWindow.close(), 5_000, "close window");
  }
  /**
   * The user comes back to this window (after closing a popup, say): the engine brings it to the
   * front, and the page should get a `focus` event. Where the engine delivers none (Chromium under
   * Playwright emulates focus, so its pages never blur; MiniBrowser on Xvfb has no window manager
   * to move focus), a script dispatches one as a stand-in once `waitForFocusMs` passed without a
   * real one. Says which it was, for the test to state.
   */
  async bringToFront({ waitForFocusMs = 500 }: { waitForFocusMs?: number } = {}): Promise<"focus" | "stand-in focus"> {
    // The window's last focus or blur event (the page probe records them) is a real focus.
    const focused = () =>
      this.evaluate(() => {
        const events = (window as unknown as { __e2e?: { focus: Array<{ type: string; trusted: boolean }> } }).__e2e?.focus ?? [];
        const last = events[events.length - 1];
        return last !== undefined && last.type === "focus" && last.trusted;
      });
    await withDeadline(this.engineWindow.bringToFront(), 5_000, "bring to front");
    const delivered = await poll(async () => ((await focused()) ? true : undefined), { timeout: waitForFocusMs, interval: 20, what: "focus" }).catch(() => false);
    if (delivered) return "focus";
    await this.evaluate(() => window.dispatchEvent(new FocusEvent("focus")));
    return "stand-in focus";
  }
  isClosed(): Promise<boolean> {
    return withDeadline(this.engineWindow.isClosed(), 5_000, "isClosed");
  }

  /** Runs `fn(argument)` in the page (no user activation); the result comes back JSON-cloned. */
  async evaluate<R, A = undefined>(fn: PageFunction<A, R>, argument?: A): Promise<R> {
    return (await withDeadline(this.engineWindow.call(fn.toString(), argument ?? null), 10_000, "evaluate")) as R;
  }

  /** The document's markup. */
  content(): Promise<string> {
    return this.evaluate(() => `<!DOCTYPE html>${document.documentElement.outerHTML}`);
  }

  /** Polls the URL until `predicate` holds. */
  async waitForURL(predicate: (url: URL) => boolean, { timeout = 10_000 }: { timeout?: number } = {}): Promise<void> {
    await poll(
      async () => {
        const url = await this.engineWindow.url();
        return predicate(new URL(url)) ? true : undefined;
      },
      { timeout, interval: 50, what: "waitForURL" },
    );
  }

  waitForTimeout(ms: number): Promise<void> {
    return sleep(ms);
  }

  /** @internal */
  async runQuery<T>(request: Record<string, unknown>): Promise<T> {
    const run = () => withDeadline(this.engineWindow.call(QUERY_SOURCE, request), 10_000, "locator query") as Promise<T & { install?: boolean }>;
    let answer = await run();
    if (answer && answer.install) {
      await withDeadline(this.engineWindow.call(INSTALL_TESTING_LIBRARY, null), 10_000, "install Testing Library in the page");
      answer = await run();
      if (answer && answer.install) throw new Error("Testing Library did not install in the page");
    }
    return answer;
  }
}

/** One test's browser: the windows it has and the new ones its clicks open. */
export class BrowserSession {
  private readonly known = new Map<string, Window>();
  constructor(
    readonly engine: EngineName,
    readonly engineSession: EngineSession,
  ) {}

  private wrap(engineWindow: EngineWindow): Window {
    let window = this.known.get(engineWindow.id);
    if (!window) {
      window = new Window(engineWindow, this);
      this.known.set(engineWindow.id, window);
    }
    return window;
  }

  async windows(): Promise<Window[]> {
    return (await withDeadline(this.engineSession.windows(), 5_000, "list windows")).map((w) => this.wrap(w));
  }

  async newWindow(): Promise<Window> {
    return this.wrap(await withDeadline(this.engineSession.newWindow(), 10_000, "new window"));
  }

  /**
   * Runs `action` (a click) and returns the window it opened, once that window has loaded a page
   * other than about:blank.
   */
  async waitForWindow(action: () => Promise<void>, { timeout = DEFAULT_TIMEOUT }: { timeout?: number } = {}): Promise<Window> {
    const before = new Set((await this.windows()).map((w) => w.engineWindow.id));
    await action();
    const opened = await poll(
      async () => {
        const fresh = (await this.windows()).filter((w) => !before.has(w.engineWindow.id));
        if (fresh.length > 1) throw new Error(`${fresh.length} windows opened`);
        return fresh[0];
      },
      { timeout, what: "a new window" },
    );
    await poll(async () => ((await opened.isClosed()) || (await opened.url()) !== "about:blank" ? true : undefined), { timeout, what: "the new window's first page" });
    return opened;
  }

  close(): Promise<void> {
    return withDeadline(this.engineSession.close(), 15_000, "close the browser");
  }
}
