import { OpenRouterAuthError, invalidRequest } from "./errors.js";

export type CodeChallengeMethod = "S256" | "plain";

export interface PkcePair {
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: CodeChallengeMethod;
}

/** RFC 7636 section 4.1: 43-128 characters of the unreserved set. */
export const CODE_VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;
/** What is wrong with a verifier or challenge outside that set, and with any other method. */
export const UNRESERVED_MESSAGE = "must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)";
export const METHOD_MESSAGE = 'must be "S256" or "plain"';

export function isCodeVerifier(value: unknown): value is string {
  return typeof value === "string" && CODE_VERIFIER_PATTERN.test(value);
}

/** Whether this runtime has what PKCE needs: WebCrypto's random values and SHA-256 (a secure context in browsers). */
export function hasWebCrypto(): boolean {
  const crypto: Partial<Crypto> | undefined = globalThis.crypto;
  return !!(crypto?.getRandomValues && crypto.subtle);
}

export const webCryptoMissing = () =>
  new OpenRouterAuthError("unsupported", "PKCE needs WebCrypto (crypto.subtle), only available in a secure context (https or localhost).");

function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw webCryptoMissing();
  return subtle;
}

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** 32 random bytes from WebCrypto, base64url without padding: 43 characters. */
export function createCodeVerifier(): string {
  if (!globalThis.crypto?.getRandomValues) throw webCryptoMissing();
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The PKCE challenge for `verifier`: base64url(SHA-256(verifier)) for S256,
 * the verifier itself for plain. Rejects a verifier outside RFC 7636.
 */
export async function createCodeChallenge(verifier: string, method: CodeChallengeMethod = "S256"): Promise<string> {
  if (!isCodeVerifier(verifier)) {
    throw invalidRequest([{ path: ["codeVerifier"], message: UNRESERVED_MESSAGE }]);
  }
  if (method === "plain") return verifier;
  if (method !== "S256") {
    throw invalidRequest([{ path: ["codeChallengeMethod"], message: METHOD_MESSAGE }]);
  }
  const digest = await subtleCrypto().digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** A fresh verifier and its challenge, ready for the authorization URL or createAuthCode. */
export async function createPkcePair(method: CodeChallengeMethod = "S256"): Promise<PkcePair> {
  const codeVerifier = createCodeVerifier();
  const codeChallenge = await createCodeChallenge(codeVerifier, method);
  return { codeVerifier, codeChallenge, codeChallengeMethod: method };
}
