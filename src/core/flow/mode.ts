import { buildAuthorizationUrl } from "../authorization-url.js";
import type { PkcePair } from "../pkce.js";
import type { Attempt } from "./attempt.js";
import type { ConnectFlowOptions } from "./connect-flow.js";

// The one small interface every way to a code implements (popup.ts, redirect.ts, paste.ts,
// minted.ts). The flow runs them the same way: `check` before anything happens, `open` inside the
// user's click, `start` once the PKCE pair exists; a code that arrives goes to `exchange`.

/** What a mode gets from the flow that runs it. */
export interface ModeContext {
  readonly win: Window;
  /** Where OpenRouter sends the user back: the option, or this page's origin and path. */
  readonly callbackUrl: string;
  /** The flow's options when the attempt began (the click's). */
  readonly options: ConnectFlowOptions;
  /**
   * The window the caller opened blank inside the click (`connect({ window })`), for `open` to use
   * instead of opening one: `null` when the browser blocked it; undefined when the mode opens its own.
   */
  readonly opened?: Window | null;
  /** A code arrived for `attempt`: exchange it, once. */
  exchange(attempt: Attempt, code: string): void;
  /** A window the flow opened was closed: focus can go back to the control that opened it. */
  windowClosed(): void;
}

export interface FlowMode {
  /** Validates every input with a placeholder challenge, before any window opens: throws `invalid_request`. */
  check(ctx: ModeContext): void;
  /**
   * Runs inside the user's click, before anything is awaited: browsers block a window opened
   * once the click's user activation is gone (Safari, Firefox). Fails the attempt if it can't.
   */
  open(attempt: Attempt, ctx: ModeContext): void;
  /** With the attempt's PKCE pair: sends the user to OpenRouter, or creates the code. Throws to fail. */
  start(attempt: Attempt, ctx: ModeContext, pair: PkcePair): Promise<void>;
}

/** A challenge of the right shape, to validate the other inputs before the real one exists. */
export const PLACEHOLDER_CHALLENGE = "0".repeat(43);

/** The consent page for this flow's options, with `codeChallenge` (S256) and the way back. */
export function consentUrl(ctx: ModeContext, codeChallenge: string): string {
  const { limit, authUrl } = ctx.options;
  return buildAuthorizationUrl({ callbackUrl: ctx.callbackUrl, codeChallenge, codeChallengeMethod: "S256", limit, authUrl });
}
