/// <reference types="vite/client" />
// openrouter-emulator.html (served and built by .storybook/emulator-page-plugin.ts): the pages a
// browser navigates to during a flow, which msw can't serve (a service worker never sees navigations). Every request still goes to the story's
// emulator, through ./bridge.ts:
//
// - view=auth: OpenRouter's consent page. It loads `GET {emulator}/auth?…` and shows the
//   emulator's own HTML; Approve/Deny post the form to `{emulator}/auth` and follow its 303 to
//   the callback URL, as the browser would after a real form post.
// - view=callback: a popup's callback page, `<AuthCallback />`: hands the code to the opener.
// - view=app: a small app in a frame, for the redirect flow, which leaves the page it starts
//   on. Its own msw worker forwards its API calls to the story's emulator.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { http } from "msw";
import { setupWorker } from "msw/browser";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { AuthCallback, ConnectButton, OpenRouterAuthProvider, type ExchangeAuthCodeResponse } from "../../../src/index.js";
import { storyLocale } from "../locale-list.js";
import { bridgeFetch } from "./bridge.js";
import { consentPageUrl, emulatorPageUrl } from "./urls.js";

const params = new URLSearchParams(window.location.search);
const emulator = params.get("emulator") ?? "";
const root = document.getElementById("root") as HTMLElement;
// The story's language (`locale`, an id of ../locale-list.ts) for the app and the callback page,
// with its direction and tag on <html>, as an app sets them.
const locale = storyLocale(params.get("locale"));

function problem(text: string): void {
  document.title = "OpenRouter emulator";
  const main = document.createElement("main");
  const heading = document.createElement("h1");
  heading.textContent = "The OpenRouter emulator is not reachable";
  const message = document.createElement("p");
  message.setAttribute("role", "alert");
  message.textContent = text;
  main.append(heading, message);
  document.body.replaceChildren(main);
}

// ---------------------------------------------------------------- view=auth

/** Shows an answer of the emulator's `/auth` the way a browser would show the navigation's result. */
async function display(response: Response, requestUrl: URL): Promise<void> {
  const location = response.headers.get("Location");
  if (response.status >= 300 && response.status < 400 && location) {
    window.location.replace(new URL(location, requestUrl));
    return;
  }
  const parsed = new DOMParser().parseFromString(await response.text(), "text/html");
  document.title = parsed.title;
  for (const old of document.head.querySelectorAll("style[data-emulator]")) old.remove();
  for (const style of parsed.head.querySelectorAll("style")) {
    const copy = document.createElement("style");
    copy.dataset.emulator = "";
    copy.textContent = style.textContent;
    document.head.append(copy);
  }
  document.body.replaceChildren(...Array.from(parsed.body.childNodes, (node) => document.importNode(node, true)));

  const form = document.querySelector("form");
  form?.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = new URLSearchParams();
    for (const [name, value] of new FormData(form, event.submitter)) if (typeof value === "string") body.append(name, value);
    const action = new URL(form.getAttribute("action") ?? "", requestUrl);
    for (const button of form.querySelectorAll("button")) button.disabled = true;
    void navigate(new Request(action, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body }));
  });
}

async function navigate(request: Request): Promise<void> {
  try {
    await display(await bridgeFetch(request), new URL(request.url));
  } catch (error) {
    problem(error instanceof Error ? error.message : String(error));
  }
}

function showConsentPage(): void {
  if (!emulator) return problem("This page needs ?emulator=<the story's emulator URL>.");
  const target = new URL(`${emulator}/auth`);
  for (const [name, value] of params) if (name !== "view" && name !== "emulator") target.searchParams.append(name, value);
  void navigate(new Request(target));
}

// ---------------------------------------------------------------- view=app

function inLocale(): void {
  document.documentElement.lang = locale.tag;
  document.documentElement.dir = locale.dir;
}

function RedirectApp() {
  const [result, setResult] = useState<ExchangeAuthCodeResponse>();
  return (
    <main style={{ font: "16px/1.5 system-ui, sans-serif", padding: "1rem" }}>
      <h1 style={{ fontSize: "1.25rem", marginTop: 0 }}>Example app</h1>
      <ConnectButton mode="redirect" callbackUrl={emulatorPageUrl("app", { emulator, locale: locale.id })} onKey={setResult} />
      {result ? (
        <p data-testid="received-key">
          Key received, ending in <code>{result.key.slice(-6)}</code>.
        </p>
      ) : null}
    </main>
  );
}

async function showRedirectApp(): Promise<void> {
  if (!emulator) return problem("This page needs ?emulator=<the story's emulator URL>.");
  // This frame's API calls are intercepted here and answered by the story's emulator.
  const worker = setupWorker(http.all(`${emulator}/*`, ({ request }) => bridgeFetch(request)));
  await worker.start({
    quiet: true,
    onUnhandledRequest: "bypass",
    serviceWorker: { url: new URL(`${import.meta.env.BASE_URL}mockServiceWorker.js`, window.location.href).pathname },
  });
  inLocale();
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={new QueryClient()}>
        <OpenRouterAuthProvider baseUrl={`${emulator}/api/v1`} authUrl={consentPageUrl(emulator)} messages={locale.messages} locale={locale.tag}>
          <RedirectApp />
        </OpenRouterAuthProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}

// ---------------------------------------------------------------- view=callback

function showPopupCallback(): void {
  document.title = locale.messages.windowTitle;
  inLocale();
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={new QueryClient()}>
        <main style={{ font: "16px/1.5 system-ui, sans-serif", padding: "1rem" }}>
          <AuthCallback messages={locale.messages} />
        </main>
      </QueryClientProvider>
    </StrictMode>,
  );
}

switch (params.get("view")) {
  case "auth":
    showConsentPage();
    break;
  case "app":
    void showRedirectApp().catch((error: unknown) => problem(String(error)));
    break;
  case "callback":
    showPopupCallback();
    break;
  default:
    problem("Unknown view; this page is opened by the stories' flows.");
}
