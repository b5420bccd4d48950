import { buildHeadlessAuthorizationUrl } from "../authorization-url.js";
import { openFlowWindow } from "./flow-window.js";
import type { ModeContext, FlowMode } from "./mode.js";
import { PLACEHOLDER_CHALLENGE } from "./mode.js";

/** OpenRouter's headless consent page (no way back): it shows the code, the user pastes it (`ConnectFlow.submitCode`). */
function headlessUrl(ctx: ModeContext, codeChallenge: string): string {
  const { limit, authUrl, keyLabel } = ctx.options;
  return buildHeadlessAuthorizationUrl({ codeChallenge, codeChallengeMethod: "S256", limit, authUrl, keyLabel });
}

/** Paste: the consent page in a new tab; the code comes back by hand. */
export const pasteMode: FlowMode = {
  check: (ctx) => void headlessUrl(ctx, PLACEHOLDER_CHALLENGE),
  open(attempt, ctx) {
    // Blocked or not, the paste form's link still opens the page.
    // Stryker disable next-line StringLiteral: equivalent: openFlowWindow opens a tab for every mode but "popup"
    attempt.window = (ctx.opened === undefined ? openFlowWindow(ctx.win, "paste") : ctx.opened) ?? undefined;
  },
  async start(attempt, ctx, pair) {
    const url = headlessUrl(ctx, pair.codeChallenge);
    attempt.pasteUrl = url;
    const tab = attempt.window;
    if (tab) {
      try {
        tab.opener = null; // the consent tab needs no way back to this page
        tab.location.replace(url);
      } catch {
        // the link in `pasteUrl` still works
      }
    }
    attempt.wait();
  },
};
