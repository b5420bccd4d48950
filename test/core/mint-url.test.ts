import { afterEach, describe, expect, it, vi } from "vitest";
import { createOpenRouterAuthClient } from "../../src/core/index.js";

const answer = () => Response.json({ data: { id: "auth_code_1", app_id: 1, created_at: "2026-01-01T00:00:00Z" } });

afterEach(() => vi.unstubAllGlobals());

describe("mintUrl", () => {
  it("sends createAuthCode to the app's own route, and no bearer unless configured", async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => answer());
    const client = createOpenRouterAuthClient({ mintUrl: "https://app.example/api/mint", fetch: fetch as never });
    await client.createAuthCode({ callbackUrl: "https://app.example/cb" });
    expect(fetch.mock.calls[0]?.[0]).toBe("https://app.example/api/mint");
    expect((fetch.mock.calls[0]?.[1].headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it("resolves a path against the page at request time, so the client can be made on a server", async () => {
    const fetch = vi.fn(async (_url: string) => answer());
    const client = createOpenRouterAuthClient({ mintUrl: "/api/mint", fetch: fetch as never });
    await expect(client.createAuthCode({ callbackUrl: "https://app.example/cb" })).rejects.toMatchObject({ code: "invalid_request" });
    expect(fetch).not.toHaveBeenCalled();
    vi.stubGlobal("location", { href: "https://app.example/some/page?x=1", origin: "https://app.example" });
    await client.createAuthCode({ callbackUrl: "https://app.example/cb" });
    expect(fetch.mock.calls[0]?.[0]).toBe("https://app.example/api/mint");
  });

  it("refuses a mintUrl that is neither absolute http(s) nor a path", () => {
    for (const mintUrl of ["javascript:alert(1)", "//evil.example/mint", "/\\evil.example/mint", "api/mint"]) {
      expect(() => createOpenRouterAuthClient({ mintUrl })).toThrow(expect.objectContaining({ code: "invalid_request" }));
    }
  });

  it("keeps a path on this site: one the URL parser turns into another host is refused, and nothing is sent", async () => {
    const fetch = vi.fn(async (_url: string) => answer());
    vi.stubGlobal("location", { href: "https://app.example/page", origin: "https://app.example" });
    // The URL parser drops tabs and newlines: "/\t/evil.example" reads as "//evil.example".
    for (const mintUrl of ["/\t/evil.example/mint", "/\n/evil.example/mint"]) {
      const client = createOpenRouterAuthClient({ mintUrl, apiKey: "sk-or-v1-app-secret-key", fetch: fetch as never });
      await expect(client.createAuthCode({ callbackUrl: "https://app.example/cb" })).rejects.toMatchObject({
        code: "invalid_request",
        issues: [{ path: ["mintUrl"], message: "must be a path on this site" }],
      });
    }
    expect(fetch).not.toHaveBeenCalled();
  });
});
