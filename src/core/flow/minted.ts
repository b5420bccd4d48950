import { invalidRequest } from "../errors.js";
import { createAuthKeysCodeRequestSchema, parseRequest, type CreateAuthKeysCodeRequest } from "../schemas.js";
import { PLACEHOLDER_CHALLENGE, type FlowMode, type ModeContext } from "./mode.js";

/**
 * The request that creates the code: the own fields of `mint` (a plain, readable object without
 * the fields the flow sets itself; a spread would drop a number, `true` or an array silently),
 * with the flow's callback URL and challenge, validated.
 */
function mintRequest(ctx: ModeContext, codeChallenge: string): CreateAuthKeysCodeRequest {
  const mint: unknown = ctx.options.mint;
  let own: Record<string, unknown> | undefined;
  try {
    if (Object.prototype.toString.call(mint) === "[object Object]") own = Object.fromEntries(Object.entries(mint as object));
  } catch {
    // a throwing getter or Proxy trap: reported below
  }
  if (!own) throw invalidRequest([{ path: ["mint"], message: "must be a plain object whose fields can be read" }]);
  const reserved = ["callbackUrl", "codeChallenge", "codeChallengeMethod"].filter((key) => Object.prototype.hasOwnProperty.call(own, key));
  if (reserved.length) throw invalidRequest(reserved.map((key) => ({ path: ["mint", key], message: "unknown key (the flow sets it)" })));
  return parseRequest(createAuthKeysCodeRequestSchema, { ...own, callbackUrl: ctx.callbackUrl, codeChallenge, codeChallengeMethod: "S256" });
}

/** Minted: no consent page; the code is created with spend controls (`POST /auth/keys/code`, or your mint route). */
export const mintedMode: FlowMode = {
  check: (ctx) => void mintRequest(ctx, PLACEHOLDER_CHALLENGE),
  open: () => {}, // nothing opens
  async start(attempt, ctx, pair) {
    const { data } = await ctx.options.createAuthCode(mintRequest(ctx, pair.codeChallenge), { signal: attempt.signal });
    ctx.exchange(attempt, data.id);
  },
};
