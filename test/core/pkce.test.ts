import { describe, expect, it } from "vitest";
import { createCodeChallenge, createCodeVerifier, createPkcePair, OpenRouterAuthError } from "../../src/core/index.js";

describe("PKCE (RFC 7636)", () => {
  it("matches the Appendix B vector", async () => {
    await expect(createCodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).resolves.toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("makes 43-character base64url verifiers that differ each time", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const verifier = createCodeVerifier();
      expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(verifier);
    }
    expect(seen.size).toBe(1000);
  });

  it("accepts both length bounds and rejects one past each", async () => {
    await expect(createCodeChallenge("a".repeat(43), "plain")).resolves.toBe("a".repeat(43));
    await expect(createCodeChallenge("a".repeat(128))).resolves.toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const bad of ["a".repeat(42), "a".repeat(129), `${"a".repeat(42)}+`, `${"a".repeat(42)} `]) {
      const error = await createCodeChallenge(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenRouterAuthError);
      expect(error).toMatchObject({ code: "invalid_request", issues: [{ path: ["codeVerifier"] }] });
    }
  });

  it("pairs a verifier with its challenge", async () => {
    const pair = await createPkcePair();
    expect(pair.codeChallengeMethod).toBe("S256");
    expect(pair.codeChallenge).toBe(await createCodeChallenge(pair.codeVerifier));
    const plain = await createPkcePair("plain");
    expect(plain.codeChallenge).toBe(plain.codeVerifier);
  });
});
