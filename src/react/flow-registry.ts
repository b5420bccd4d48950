import type { FlowPart } from "./flow-part.js";

// Where ConnectButton finds its flow part once it is evaluated: loaded by the button's import()
// (lazy-flow.ts), or evaluated with the app because the app uses useOpenRouterConnect or
// AuthCallback, which import it (the bundler put it in the app's own chunk). No import() here,
// so the hooks that register it don't make a bundler split anything.

let registered: FlowPart | undefined;

/** Called by flow-part.tsx as it is evaluated: from then on buttons use it at once. */
export function provideFlowPart(part: FlowPart): void {
  registered = part;
}

/** The flow part, if it is here already. */
export function flowPartNow(): FlowPart | undefined {
  return registered;
}
