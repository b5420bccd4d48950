// A server render of ConnectButton, as an app that renders only the button has it: its HTML
// without the flow part, which is unavailable here (its module throws if anything loads it).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { ConnectButton } from "../../src/react/ConnectButton.js";
import { OpenRouterAuthProvider } from "../../src/react/context.js";
import { de } from "../../src/locales/index.js";

const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/react/flow-part.js", () => {
  loads.count++;
  throw new Error("the flow part must not load for a server render");
});

describe("server rendering the button without its flow part", () => {
  it("gives the button's HTML: label, icon, state, the provider's language; nothing loads", async () => {
    expect(typeof window).toBe("undefined");
    const html = renderToString(
      <QueryClientProvider client={new QueryClient()}>
        <OpenRouterAuthProvider messages={de} locale="de-DE">
          <ConnectButton onKey={() => {}} persist showBalance />
          <ConnectButton onKey={() => {}} mode="redirect" mint={{ limit: 1 }} messages={{ connect: "Get a key" }} />
        </OpenRouterAuthProvider>
      </QueryClientProvider>,
    );
    expect(html).toContain(`<span class="orc-label">${de.connect}</span>`);
    expect(html).toContain('<span class="orc-label">Get a key</span>');
    expect(html).toContain('data-state="idle"');
    expect(html).toContain('class="orc-icon"');
    expect(html).toContain('role="status"');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(loads.count).toBe(0);
  });
});
