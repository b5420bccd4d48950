export { OpenRouterAuthProvider } from "./context.js";
export { useOpenRouterAuthConfig } from "./useOpenRouterAuthConfig.js";
export type { OpenRouterAuthConfig, OpenRouterAuthProviderProps } from "./context.js";
export {
  createAuthCodeMutationOptions,
  exchangeAuthCodeMutationOptions,
  keyInfoQueryOptions,
  openRouterConnectKeys,
} from "./options.js";
export type { CreateAuthCodeMutationOptions, ExchangeAuthCodeMutationOptions, KeyInfoQueryOptions } from "./options.js";
export { useCreateAuthCode } from "./useCreateAuthCode.js";
export type { UseCreateAuthCodeOptions } from "./useCreateAuthCode.js";
export { useExchangeAuthCode } from "./useExchangeAuthCode.js";
export type { UseExchangeAuthCodeOptions } from "./useExchangeAuthCode.js";
export { useOpenRouterConnect } from "./useOpenRouterConnect.js";
export type { UseOpenRouterConnectOptions, UseOpenRouterConnectResult } from "./useOpenRouterConnect.js";
export { useOpenRouterKey } from "./useOpenRouterKey.js";
export type { UseOpenRouterKeyOptions, UseOpenRouterKeyResult } from "./useOpenRouterKey.js";
export { useOpenRouterKeyInfo } from "./useOpenRouterKeyInfo.js";
export type { UseOpenRouterKeyInfoOptions } from "./useOpenRouterKeyInfo.js";
export { useAuthCallback } from "./useAuthCallback.js";
export type { UseAuthCallbackOptions, UseAuthCallbackResult } from "./useAuthCallback.js";
export { AuthCallback } from "./AuthCallback.js";
export type { AuthCallbackProps } from "./AuthCallback.js";
export { ConnectButton } from "./ConnectButton.js";
export type { ConnectButtonKeyProps, ConnectButtonOwnProps, ConnectButtonProps } from "./ConnectButton.js";
export { OpenRouterIcon } from "./OpenRouterIcon.js";
export { useConnectMessages } from "./useConnectMessages.js";
export { useReaderLocale } from "./useReaderLocale.js";
export { connectButtonCss } from "./stylesheet.js";
