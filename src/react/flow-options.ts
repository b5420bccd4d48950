import type { MutationKey, QueryClient } from "@tanstack/react-query";
import { OpenRouterAuthError } from "../core/errors.js";
import type { ConnectFlowOptions } from "../core/flow/connect-flow.js";
import { resolveConnectMessages } from "../core/messages.js";
import type { OpenRouterAuthConfig } from "./context.js";
import { openRouterConnectKeys } from "./options.js";
import type { UseOpenRouterConnectOptions } from "./useOpenRouterConnect.js";

// The ConnectFlow options of useOpenRouterConnect and of ConnectButton's flow part: the
// component's own over the provider's config, with the client's requests as mutations.

/**
 * Runs `request` as a mutation in react-query's cache (devtools, `useIsMutating` and global
 * `MutationCache` callbacks see it run) that holds no secret: no variables (the request is closed
 * over), no data (the answer goes around it), and it leaves the cache the moment it settles.
 */
function secretFreeMutation<T>(queryClient: QueryClient, mutationKey: MutationKey, request: () => Promise<T>): Promise<T> {
  const cache = queryClient.getMutationCache();
  return new Promise<T>((resolve, reject) => {
    const mutation = cache.build(queryClient, {
      mutationKey,
      retry: false,
      gcTime: 0,
      mutationFn: async () => resolve(await request()),
    });
    mutation
      .execute(undefined)
      .catch(reject)
      .finally(() => cache.remove(mutation));
  });
}

/** The ConnectFlow options of a hook or button: its own, over the provider's config, with the client's requests as mutations. */
export function flowOptions(options: UseOpenRouterConnectOptions, config: OpenRouterAuthConfig, queryClient: QueryClient, flowId: string): ConnectFlowOptions {
  const { client } = config;
  const serverRoute = options.exchangeUrl ?? client.exchangeUrl;
  return {
    authUrl: config.authUrl,
    // Same tree, same id after a page load: a redirect comes back to the component that started it.
    flowId,
    ...options,
    messages: resolveConnectMessages(config.messages, options.messages),
    createAuthCode: (request, requestOptions) =>
      secretFreeMutation(queryClient, openRouterConnectKeys.createAuthCode(), () => client.createAuthCode(request, requestOptions)),
    exchangeAuthCode: (request, requestOptions) =>
      secretFreeMutation(queryClient, openRouterConnectKeys.exchangeAuthCode(), () => client.exchangeAuthCode(request, requestOptions)),
    exchangeOnServer: serverRoute
      ? (request, requestOptions) =>
          secretFreeMutation(queryClient, openRouterConnectKeys.exchangeAuthCodeOnServer(), async () => {
            if (!client.exchangeAuthCodeOnServer) {
              throw new OpenRouterAuthError("unsupported", "exchangeUrl needs a client made by createOpenRouterAuthClient (this one cannot exchange on a server).");
            }
            return client.exchangeAuthCodeOnServer(request, requestOptions);
          })
      : undefined,
  };
}
