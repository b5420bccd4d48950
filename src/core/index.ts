// openrouter-connect/core: every non-React part of OpenRouter's key-issuing flow.
// No React import anywhere below this folder; runs in Node 20 and browsers.
export { OpenRouterAuthError, isOpenRouterAuthError, toOpenRouterAuthError } from "./errors.js";
export type { OpenRouterAuthErrorCode, OpenRouterAuthIssue, OpenRouterAuthErrorOptions } from "./errors.js";
export { createCodeVerifier, createCodeChallenge, createPkcePair, isCodeVerifier, CODE_VERIFIER_PATTERN } from "./pkce.js";
export type { CodeChallengeMethod, PkcePair } from "./pkce.js";
export { checkCallbackUrl, MAX_CALLBACK_URL_LENGTH } from "./callback-url.js";
export { buildAuthorizationUrl, buildHeadlessAuthorizationUrl, DEFAULT_AUTH_URL, DEFAULT_KEYS_URL, keysUrlFor } from "./authorization-url.js";
export type { AuthorizationUrlOptions, HeadlessAuthorizationUrlOptions } from "./authorization-url.js";
export {
  createAuthKeysCodeRequestSchema,
  exchangeAuthCodeRequestSchema,
  parseCreateAuthKeysCodeWireBody,
  toCreateAuthKeysCodeWireBody,
  MAX_LIMIT,
} from "./schemas.js";
export type {
  CreateAuthKeysCodeRequest,
  CreateAuthKeysCodeResponse,
  ExchangeAuthCodeRequest,
  ExchangeAuthCodeResponse,
  ServerExchangeResponse,
  UsageLimitType,
} from "./schemas.js";
export { createOpenRouterAuthClient, DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS } from "./client.js";
export type { OpenRouterAuthClient, OpenRouterAuthClientOptions, RequestOptions, ServerExchangeOptions } from "./client.js";
export type { OpenRouterKeyInfo } from "./key-info.js";
export { maskKey, USAGE_LIMIT_TYPES } from "./rules.js";
export {
  defaultMessages,
  resolveConnectMessages,
  connectStatusText,
  connectErrorText,
  formatMessage,
  formatBalance,
  firstLocale,
  connectMessages,
  connectMessageText,
} from "./messages.js";
export type { ConnectMessageId, ConnectMessages, ConnectIdleMessages, ConnectFlowMessages, ConnectErrorMessages } from "./messages.js";
export * from "./flow/index.js";
