/** Runtime settings written by the demo server into /demo-config.js (see scripts/demo-server.ts). */
export interface DemoConfig {
  /** The consent page. */
  authUrl: string;
  /** OpenRouter's API root (or the emulator's). */
  baseUrl: string;
  /** This app's own server route that mints codes with the app's key; null when the server has none. */
  mintUrl: string | null;
  /**
   * This app's own server route that exchanges codes and keeps the keys (`createExchangeHandler`);
   * when set, the demo shows the "key kept on the server" flow. Absent or null: not shown.
   */
  exchangeUrl?: string | null;
  /** `GET`: what the server stored for this session (`{ keyHint, userId }`), or 404. */
  sessionUrl?: string | null;
  /** True when talking to the local emulator instead of openrouter.ai. */
  emulator: boolean;
}

export const config: DemoConfig = window.__OPENROUTER_DEMO__ ?? {
  authUrl: "https://openrouter.ai/auth",
  baseUrl: "https://openrouter.ai/api/v1",
  mintUrl: null,
  emulator: false,
};
