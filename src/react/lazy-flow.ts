import type { FlowPart } from "./flow-part.js";
import { flowPartNow, provideFlowPart } from "./flow-registry.js";

// How ConnectButton loads its flow part (flow-part.tsx: PKCE, URLs, schemas, the HTTP client, the
// popup watcher, the exchange, the flow's texts and views): a dynamic import() on first
// interaction, by a click, or at once on a page that may be a callback. Not where the part was
// registered by a callback page already (flow-registry.ts).

let loading: Promise<FlowPart> | undefined;

/**
 * Loads the flow part (once; every caller shares the request). A failed load (offline, a CSP
 * refusing the chunk) is not kept: the next call tries again.
 */
export function loadFlowPart(): Promise<FlowPart> {
  const part = flowPartNow();
  if (part) return Promise.resolve(part);
  return (loading ??= import("./flow-part.js").then(
    ({ flowPart }) => {
      provideFlowPart(flowPart); // every button of the page has it now
      return flowPart;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}
