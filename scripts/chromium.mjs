// How every browser test here launches Chromium: Debian's /usr/bin/chromium unless CHROMIUM_PATH
// points elsewhere (e.g. Playwright's own build). The networking flags keep Chromium from
// flooding a closed network with background connections.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const chromiumLaunchOptions = () => ({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
