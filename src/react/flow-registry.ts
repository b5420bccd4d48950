import type { FlowPart } from "./flow-part.js";

// Where ConnectButton finds its flow part once it is here: loaded by a button's import()
// (lazy-flow.ts), or brought by useAuthCallback / AuthCallback, which import it statically (the
// bundler put it in the app's own chunk). No import() here, so registering it splits nothing.

let registered: FlowPart | undefined;

/** From then on buttons use `part` at once. */
export function provideFlowPart(part: FlowPart): void {
  registered = part;
}

/** The flow part, if it is here already. */
export function flowPartNow(): FlowPart | undefined {
  return registered;
}
