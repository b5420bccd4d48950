import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createCodeChallenge,
  createCodeVerifier,
  createPkcePair,
  isCodeVerifier,
  OpenRouterAuthError,
  type CodeChallengeMethod,
} from "../../src/core/index.js";
import { base64url } from "../../src/core/pkce.js";

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

describe("PKCE: more of RFC 7636", () => {
  // RFC 7636 Appendix B: the 32 octets behind the example verifier.
  const APPENDIX_B_OCTETS = [
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132,
    141, 121,
  ];

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it("base64url-encodes the Appendix B octets to the Appendix B verifier", () => {
    expect(base64url(new Uint8Array(APPENDIX_B_OCTETS))).toBe("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  });

  it("draws the verifier from 32 bytes of crypto.getRandomValues", () => {
    const spy = vi.spyOn(globalThis.crypto, "getRandomValues").mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      (array as unknown as Uint8Array).set(APPENDIX_B_OCTETS);
      return array;
    });
    expect(createCodeVerifier()).toBe("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    expect(spy).toHaveBeenCalledTimes(1);
    expect((spy.mock.calls[0]?.[0] as Uint8Array).byteLength).toBe(32);
  });

  it("uses the whole base64url alphabet and nothing else over many draws", () => {
    const alphabet = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const verifier = createCodeVerifier();
      expect(isCodeVerifier(verifier)).toBe(true);
      for (const ch of verifier) alphabet.add(ch);
    }
    expect([...alphabet].sort().join("")).toBe([..."-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"].sort().join(""));
  });

  it("makes an S256 challenge that is 43 base64url characters, not the verifier, and deterministic", async () => {
    const verifier = createCodeVerifier();
    const challenge = await createCodeChallenge(verifier, "S256");
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).not.toBe(verifier);
    await expect(createCodeChallenge(verifier)).resolves.toBe(challenge);
  });

  it("hashes the whole verifier: a 128-character verifier of every unreserved character", async () => {
    const verifier = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".repeat(2).slice(0, 128);
    // base64url(SHA-256(verifier)), computed independently with node:crypto.
    const expected = createHash("sha256").update(verifier, "ascii").digest("base64url");
    await expect(createCodeChallenge(verifier)).resolves.toBe(expected);
    await expect(createCodeChallenge(`${verifier.slice(0, 127)}!`)).rejects.toMatchObject({ code: "invalid_request" });
  });

  it.each([
    ["42 characters", "a".repeat(42), false],
    ["43 characters", "a".repeat(43), true],
    ["128 characters", "a".repeat(128), true],
    ["129 characters", "a".repeat(129), false],
    ["every unreserved symbol", `${"a".repeat(40)}-._~`, true],
    ["a '+'", `${"a".repeat(42)}+`, false],
    ["a '/'", `${"a".repeat(42)}/`, false],
    ["a '='", `${"a".repeat(42)}=`, false],
    ["a non-ASCII letter", `${"a".repeat(42)}é`, false],
    ["a trailing newline", `${"a".repeat(43)}\n`, false],
    ["a number", 1234567890, false],
  ])("isCodeVerifier: %s → %s", (_label, value, ok) => {
    expect(isCodeVerifier(value)).toBe(ok);
  });

  it("refuses an unknown method with invalid_request at codeChallengeMethod", async () => {
    const error = await createCodeChallenge("a".repeat(43), "S512" as CodeChallengeMethod).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid_request", issues: [{ path: ["codeChallengeMethod"], message: 'must be "S256" or "plain"' }] });
  });

  it("does not echo a rejected verifier in the error", async () => {
    const verifier = `${"s".repeat(50)} secret`;
    const error = (await createCodeChallenge(verifier).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain("secret");
    expect(error.message).not.toContain("s".repeat(50));
  });

  it("fails with unsupported when WebCrypto is missing (insecure context)", async () => {
    vi.stubGlobal("crypto", {});
    expect(() => createCodeVerifier()).toThrow(expect.objectContaining({ code: "unsupported", name: "OpenRouterAuthError" }));
    await expect(createCodeChallenge("a".repeat(43))).rejects.toMatchObject({ code: "unsupported", message: expect.stringContaining("crypto.subtle") });
    // plain needs no hashing
    await expect(createCodeChallenge("a".repeat(43), "plain")).resolves.toBe("a".repeat(43));
  });

  it("fails with unsupported, not a TypeError, when only getRandomValues is missing", () => {
    vi.stubGlobal("crypto", { subtle: globalThis.crypto.subtle });
    expect(() => createCodeVerifier()).toThrow(expect.objectContaining({ code: "unsupported", name: "OpenRouterAuthError" }));
  });
});
