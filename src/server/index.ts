// openrouter-connect/server: mint OpenRouter authorization codes with the app's own key,
// so the browser never holds one. No React, no node: import outside ./node.ts (edge runtimes).
export { createMintHandler, MAX_MINT_BODY_BYTES } from "./mint-handler.js";
export type { MintAuthorize, MintHandler, MintHandlerOptions, MintPolicy } from "./mint-handler.js";
export { toNodeHandler } from "./node.js";
export type { FetchHandler, NodeHandler } from "./node.js";
export { OpenRouterAuthError, isOpenRouterAuthError } from "../core/errors.js";
export type { UsageLimitType } from "../core/schemas.js";
