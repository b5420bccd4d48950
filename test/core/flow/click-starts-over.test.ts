// When a click on a waiting attempt means "try again" (src/core/flow/popup.ts): only once its
// popup can no longer be seen.
import { describe, expect, it } from "vitest";
import type { AttemptPhase } from "../../../src/core/flow/attempt.js";
import { clickStartsOver } from "../../../src/core/flow/popup.js";

describe("clickStartsOver", () => {
  it.each<[AttemptPhase, boolean]>([
    [{ name: "waiting", popup: "hidden" }, true],
    [{ name: "waiting", popup: "hidden-user-back" }, true],
    [{ name: "waiting", popup: "reported-closed" }, true],
    [{ name: "waiting", popup: "seen" }, false],
    [{ name: "waiting", popup: "not-seen" }, false],
    [{ name: "waiting" }, false],
    [{ name: "opening" }, false],
    [{ name: "exchanging" }, false],
    [{ name: "done", outcome: "failed" }, false],
  ])("%o → %s", (phase, startsOver) => {
    expect(clickStartsOver(phase)).toBe(startsOver);
  });
});
