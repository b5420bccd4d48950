// openrouter-connect/emulator: a local OpenRouter for tests, demos and development.
// `createOpenRouterEmulatorApp` is platform-neutral (fetch Request -> Response, e.g. inside msw);
// `startOpenRouterEmulator` serves it over node:http.
export { createOpenRouterEmulatorApp, mountEmulator, EMULATOR_DEV_API_KEY, DEFAULT_CODE_TTL_MS, DEFAULT_MAX_RECORDS, MAX_BODY_BYTES } from "./app.js";
export type {
  CodeIssuedEvent,
  ConsentDeniedEvent,
  EmulatorEvent,
  EmulatorFaults,
  EmulatorGrant,
  EmulatorRoute,
  ExchangeEvent,
  ExchangeOutcome,
  FaultEvent,
  KeyRevokedEvent,
  MountedOpenRouterEmulator,
  OpenRouterEmulatorApp,
  OpenRouterEmulatorOptions,
  RequestEvent,
} from "./app.js";
export { startOpenRouterEmulator } from "./server.js";
export type { RunningOpenRouterEmulator, StartOpenRouterEmulatorOptions } from "./server.js";
