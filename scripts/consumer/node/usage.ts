// Type-checked with NodeNext resolution: the Node-side entries as a server or a test uses them.
import { createServer } from "node:http";
import {
  OpenRouterAuthError,
  createOpenRouterAuthClient,
  createPkcePair,
  type CreateAuthKeysCodeRequest,
  type OpenRouterAuthClient,
} from "openrouter-connect/core";
import { createOpenRouterEmulatorApp, startOpenRouterEmulator, type RunningOpenRouterEmulator } from "openrouter-connect/emulator";
import {
  createExchangeHandler,
  createMemoryQuotaStore,
  createMintHandler,
  isOpenRouterAuthError,
  toNodeHandler,
  type ExchangeHandler,
  type MintedEvent,
  type MintHandler,
  type QuotaStore,
  type RefusedEvent,
} from "openrouter-connect/server";
import { createRedisQuotaStore, type RedisQuotaClient } from "openrouter-connect/server/redis";
import { createOpenRouterHandlers, type OpenRouterHandlers } from "openrouter-connect/testing";

export async function main(): Promise<void> {
  const emulator: RunningOpenRouterEmulator = await startOpenRouterEmulator({ port: 0 });
  const client: OpenRouterAuthClient = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
  const pair = await createPkcePair();
  const request: CreateAuthKeysCodeRequest = { callbackUrl: "https://app.example/cb", codeChallenge: pair.codeChallenge, codeChallengeMethod: pair.codeChallengeMethod, limit: 5 };
  const { data } = await client.createAuthCode(request);
  const { key } = await client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });
  console.log(key.length, emulator.exchanges().length, emulator.app.stats().codes);

  const audit: Array<MintedEvent | RefusedEvent> = [];
  const mint: MintHandler = createMintHandler({
    apiKey: emulator.apiKey,
    baseUrl: emulator.apiBaseUrl,
    authorize: async (request, { body }) => (request.headers.get("cookie") && body ? { subject: "user_1" } : false),
    policy: { maxLimit: 10, maxLifetimeSeconds: 86_400, allowedOrigins: ["https://app.example"], keyLabel: ({ subject }) => `app:${subject}` },
    quota: { perSubject: { windowSeconds: 3600, maxKeys: 3, maxExposure: 30 }, global: { windowSeconds: 86_400, maxKeys: 1_000 }, store: createMemoryQuotaStore() },
    bodyTimeoutMs: 5_000,
    onMinted: (event) => void audit.push(event),
    onRefused: (event) => void audit.push(event),
  });
  const server = createServer(toNodeHandler(mint));
  server.close();

  // Any client with sendCommand(args): node-redis as it is, ioredis through call().
  const redisLike: RedisQuotaClient = { sendCommand: async (args) => args.length };
  const shared: QuotaStore = createRedisQuotaStore(redisLike, { prefix: "app:quota:" });
  const exchange: ExchangeHandler = createExchangeHandler({
    baseUrl: emulator.apiBaseUrl,
    authorize: () => ({ subject: "user_1" }),
    onKey: async ({ subject, key, userId }) => console.log(subject, key.length, userId),
    policy: { allowedOrigins: ["https://app.example"] },
    onRefused: (event) => console.log(event.reason, event.status),
  });
  console.log(typeof shared.take, typeof exchange, audit.length);

  const app = createOpenRouterEmulatorApp({ codeTtlMs: 60_000 });
  const response: Response = await app.handle(new Request("http://emulator.test/api/v1/key"));
  const handlers: OpenRouterHandlers = createOpenRouterHandlers({ baseUrl: "https://openrouter.test" });
  console.log(response.status, handlers.handlers.length, handlers.apiBaseUrl);

  try {
    await client.exchangeAuthCode({ code: data.id });
  } catch (error) {
    if (isOpenRouterAuthError(error) && error instanceof OpenRouterAuthError) console.log(error.code, error.retryable);
  }
  await emulator.close();
}
