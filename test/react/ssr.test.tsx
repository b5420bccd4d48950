import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AuthCallback, ConnectButton, OpenRouterAuthProvider } from "../../src/index.js";
import { de, ja } from "../../src/locales/index.js";

describe("server rendering", () => {
  it("renders the button and the callback without a window", () => {
    expect(typeof window).toBe("undefined");
    const html = renderToString(
      <QueryClientProvider client={new QueryClient()}>
        <OpenRouterAuthProvider>
          <ConnectButton onKey={() => {}} persist showBalance />
          <AuthCallback />
        </OpenRouterAuthProvider>
      </QueryClientProvider>,
    );
    expect(html).toContain('data-state="idle"');
    expect(html).toContain("Connect OpenRouter");
    expect(html).toContain('type="button"');
  });

  it("renders the translated label from the provider's messages, or the button's own over them", () => {
    const html = (ui: React.ReactNode) =>
      renderToString(
        <QueryClientProvider client={new QueryClient()}>
          <OpenRouterAuthProvider messages={de} locale="de-DE">
            {ui}
          </OpenRouterAuthProvider>
        </QueryClientProvider>,
      );
    expect(html(<ConnectButton onKey={() => {}} />)).toContain(`<span class="orc-label">${de.connect}</span>`);
    const own = html(<ConnectButton onKey={() => {}} messages={ja} />);
    expect(own).toContain(`<span class="orc-label">${ja.connect}</span>`);
    expect(own).not.toContain(de.connect);
  });
});
