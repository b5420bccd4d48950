import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AuthCallback, ConnectButton, OpenRouterAuthProvider } from "../../src/index.js";

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
});
