// The window a flow sends to OpenRouter: opened blank inside the user's click, navigated once the
// PKCE challenge exists. Apart from the modes, so a caller that loads the flow later (ConnectButton's
// flow part) can open it in its click and hand it to `ConnectFlow.connect({ window })`.

export const POPUP_NAME = "openrouter-connect";
export const POPUP_FEATURES = "popup=yes,width=520,height=720";

/**
 * Opens the blank window `mode` sends to OpenRouter: the consent popup, or paste mode's tab. Call
 * it inside the user's click, before anything is awaited: browsers block a window opened once the
 * click's user activation is gone (Safari and Firefox at once, Chromium after its activation expires). Null when it was blocked.
 */
export function openFlowWindow(win: Window, mode: "popup" | "paste", popupFeatures = POPUP_FEATURES): Window | null {
  try {
    return mode === "popup" ? win.open("", POPUP_NAME, popupFeatures) : win.open("", "_blank");
  } catch {
    return null; // blocked
  }
}
