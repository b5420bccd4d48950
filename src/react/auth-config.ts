import { createOpenRouterAuthClient, type OpenRouterAuthClient, type OpenRouterAuthClientOptions } from "../core/client.js";
import { resolveConnectMessages } from "../core/messages.js";
import type { AuthSettings, OpenRouterAuthConfig } from "./context.js";

// A provider's settings made a config with a client, once per settings object (the provider
// memoizes them) and one client per client options object: the hooks and the button's flow part
// share it. Lives apart from the provider, so only what needs a client loads one.

const clients = new WeakMap<OpenRouterAuthClientOptions, OpenRouterAuthClient>();
const configs = new WeakMap<AuthSettings, OpenRouterAuthConfig>();

export function authConfig(settings: AuthSettings): OpenRouterAuthConfig {
  let config = configs.get(settings);
  if (!config) {
    const { clientOptions = {}, messages } = settings;
    let client = settings.client ?? clients.get(clientOptions);
    if (!client) clients.set(clientOptions, (client = createOpenRouterAuthClient(clientOptions)));
    config = {
      client,
      authUrl: settings.authUrl,
      keysUrl: settings.keysUrl,
      // One provider's as given; nested ones' merged key by key, the inner over the outer.
      messages: messages.length > 1 ? resolveConnectMessages(...messages) : messages[0],
      locale: settings.locale,
    };
    configs.set(settings, config);
  }
  return config;
}
