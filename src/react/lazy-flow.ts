import type { FlowPart } from "./flow-part.js";

// How ConnectButton gets its flow part (flow-part.ts: PKCE, URLs, schemas, the HTTP client, the
// popup watcher, the exchange): by a dynamic import() on first interaction, or at once when the
// app already loaded it (it uses useOpenRouterConnect or AuthCallback too: the bundler put the
// flow part in the app's own chunk, and it registers itself here as it is evaluated).

let loaded: FlowPart | undefined;
let loading: Promise<FlowPart> | undefined;

/** Called by flow-part.ts as it is evaluated: from then on buttons use it at once. */
export function provideFlowPart(part: FlowPart): void {
  loaded = part;
}

/** The flow part, if it is here already. */
export function flowPartNow(): FlowPart | undefined {
  return loaded;
}

/**
 * Loads the flow part (once; every caller shares the request). A failed load (offline, a CSP
 * refusing the chunk) is not kept: the next call tries again.
 */
export function loadFlowPart(): Promise<FlowPart> {
  if (loaded) return Promise.resolve(loaded);
  return (loading ??= import("./flow-part.js").then(
    ({ flowPart }) => (loaded = flowPart),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}
