// How long Chromium shows a popup on the provider's origin before `closed` reads true: the figures
// behind POPUP_SETTLE_MS and POPUP_LATE_ANSWER_MS (src/core/flow/connect-flow.ts) and the README's
// popup paragraph. Two cases against the emulator, each run N times in fresh browser contexts:
//   COOP:          the consent page sends Cross-Origin-Opener-Policy; nobody closes the popup, yet
//                  `closed` reads true a moment after it reaches the provider;
//   closed at load: no COOP; the test closes the popup the moment its consent page has loaded.
// The span is what the flow measures: 5 ms polls, from the first poll that found the popup
// cross-origin to the last one before `closed`. Prints the sorted spans and how many reach 20 ms.
//
//   npm run build && node scripts/popup-timing.mjs [--runs 40]
import { createServer } from "node:http";
import { chromium } from "playwright-core";
import { chromiumLaunchOptions } from "./chromium.mjs";

const { startOpenRouterEmulator } = await import("../dist/emulator/index.js").catch(() => {
  console.error("popup-timing: dist/ is missing; run `npm run build` first.");
  process.exit(2);
});
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg === -1 ? 40 : Number(process.argv[runsArg + 1]);
const SETTLE_MS = 20;

const emulator = await startOpenRouterEmulator({});
const consent = `${emulator.authUrl}?code_challenge_method=S256&code_challenge=${"a".repeat(43)}&callback_url=`;
const page = `<!doctype html><button id=go>go</button><script>
window.span = null;
go.onclick = () => {
  const popup = window.open("", "x", "popup=yes,width=400,height=400");
  setTimeout(() => popup.location.replace(${JSON.stringify(consent)} + encodeURIComponent(location.origin + "/")), 10);
  let since, span = 0;
  const poll = () => {
    if (popup.closed) return void (window.span = span);
    try { void popup.location.href; since = undefined; } catch { since ??= Date.now(); span = Date.now() - since; }
    setTimeout(poll, 5);
  };
  setTimeout(poll, 5);
};
</script>`;
const app = createServer((_, res) => res.setHeader("content-type", "text/html").end(page)).listen(0, "127.0.0.1");
await new Promise((resolve) => app.once("listening", resolve));
const appUrl = `http://127.0.0.1:${app.address().port}/`;
const browser = await chromium.launch(chromiumLaunchOptions());

async function span({ coop, close }) {
  emulator.faults.coop(coop);
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(appUrl);
  const opened = tab.waitForEvent("popup");
  await tab.click("#go");
  const popup = await opened;
  if (close) {
    await popup.waitForURL((url) => url.href.startsWith(emulator.authUrl));
    await popup.close();
  }
  await tab.waitForFunction(() => window.span !== null, null, { timeout: 5000 });
  const value = await tab.evaluate(() => window.span);
  await context.close();
  return value;
}

try {
  for (const [name, options] of [["COOP", { coop: true, close: false }], ["closed at load", { coop: false, close: true }]]) {
    const spans = [];
    for (let i = 0; i < RUNS; i++) spans.push(await span(options));
    spans.sort((a, b) => a - b);
    const atLeast = spans.filter((ms) => ms >= SETTLE_MS).length;
    console.log(`${name.padEnd(15)} ${atLeast}/${RUNS} at >= ${SETTLE_MS} ms; spans (ms): ${spans.join(" ")}`);
  }
} finally {
  await browser.close();
  await emulator.close();
  app.close();
}
