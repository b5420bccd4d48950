export { ConnectFlow, createConnectFlow, DEFAULT_FLOW_TIMEOUT_MS } from "./connect-flow.js";
export type { ConnectedResult, ConnectFlowOptions, ConnectMode, ConnectSnapshot, ConnectStatus, MintOptions } from "./connect-flow.js";
export { consumeCallback, isCallbackPending } from "./callback.js";
export type { CallbackOutcome } from "./callback.js";
export { exchangeOnce } from "./exchange-registry.js";
export { CALLBACK_MESSAGE_TYPE, CHANNEL_NAME, isCallbackMessage } from "./popup-channel.js";
export type { CallbackMessage } from "./popup-channel.js";
