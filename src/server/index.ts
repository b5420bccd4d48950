// openrouter-connect/server: route handlers that keep OpenRouter keys on the server. Mint codes
// with the app's own key (createMintHandler), or exchange the user's code on the server so their
// key never enters the browser (createExchangeHandler). Fetch-standard: no React, and no node:
// module at run time (./node.ts only imports node:http's types), so it runs on edge runtimes too.
export { createMintHandler } from "./mint-handler.js";
export type { MintAuthorize, MintedEvent, MintHandler, MintHandlerOptions } from "./mint-handler.js";
export { createExchangeHandler } from "./exchange-handler.js";
export type { ExchangedKeyEvent, ExchangeHandler, ExchangeHandlerOptions, ExchangePolicy, ExchangeResult } from "./exchange-handler.js";
export type { KeyLabelContext, MintPolicy } from "./policy.js";
export { createMemoryQuotaStore, DEFAULT_MINT_QUOTA, keyExposure, SHORTEST_PERIOD_SECONDS } from "./quota.js";
export type { MemoryQuotaStore, MemoryQuotaStoreOptions, MintQuota, QuotaCounter, QuotaRule, QuotaStore, QuotaTake, QuotaTakeResult } from "./quota.js";
export { DEFAULT_BODY_TIMEOUT_MS, MAX_MINT_BODY_BYTES } from "./body.js";
export type { Authorize, AuthorizeVerdict, RefusalReason, RefusedEvent } from "./http.js";
export { toNodeHandler } from "./node.js";
export type { FetchHandler, NodeHandler, NodeHandlerOptions } from "./node.js";
export { OpenRouterAuthError, isOpenRouterAuthError } from "../core/errors.js";
export type { UsageLimitType } from "../core/schemas.js";
