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
import { createMintHandler, isOpenRouterAuthError, toNodeHandler, type MintHandler } from "openrouter-connect/server";
import { createOpenRouterHandlers, type OpenRouterHandlers } from "openrouter-connect/testing";

export async function main(): Promise<void> {
  const emulator: RunningOpenRouterEmulator = await startOpenRouterEmulator({ port: 0 });
  const client: OpenRouterAuthClient = createOpenRouterAuthClient({ baseUrl: emulator.apiBaseUrl, apiKey: emulator.apiKey });
  const pair = await createPkcePair();
  const request: CreateAuthKeysCodeRequest = { callbackUrl: "https://app.example/cb", codeChallenge: pair.codeChallenge, codeChallengeMethod: pair.codeChallengeMethod, limit: 5 };
  const { data } = await client.createAuthCode(request);
  const { key } = await client.exchangeAuthCode({ code: data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: "S256" });
  console.log(key.length, emulator.exchanges().length, emulator.app.stats().codes);

  const mint: MintHandler = createMintHandler({ apiKey: emulator.apiKey, baseUrl: emulator.apiBaseUrl, policy: { maxLimit: 10 } });
  const server = createServer(toNodeHandler(mint));
  server.close();

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
