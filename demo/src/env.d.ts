// Globals of the demo page.
import type { DemoConfig } from "./config.js";

declare global {
  interface Window {
    /** Set by /demo-config.js, which the demo server writes at startup. */
    __OPENROUTER_DEMO__?: DemoConfig;
  }
}
