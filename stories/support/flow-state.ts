// What a flow leaves in the page between stories (and between the locales a play function runs
// in): the consumed callback, and this library's records in both storages.
import { resetCallbackState } from "../../src/core/flow/callback.js";

export function forgetFlowState(): void {
  resetCallbackState();
  for (const storage of [window.sessionStorage, window.localStorage]) {
    for (const key of Object.keys(storage)) if (key.startsWith("openrouter-connect:")) storage.removeItem(key);
  }
}
