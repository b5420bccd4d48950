import type { FullResult, Reporter, Suite, TestCase, TestResult } from "@playwright/test/reporter";

/** Prints each engine's (project's) suite time and tally at the end: CI's time budget, per engine. */
export default class EngineTimes implements Reporter {
  private readonly engines = new Map<string, { first: number; last: number; passed: number; failed: number; skipped: number }>();

  onBegin(_config: unknown, _suite: Suite): void {}

  onTestEnd(test: TestCase, result: TestResult): void {
    const project = test.parent.project()?.name ?? "?";
    const entry = this.engines.get(project) ?? { first: result.startTime.getTime(), last: 0, passed: 0, failed: 0, skipped: 0 };
    entry.first = Math.min(entry.first, result.startTime.getTime());
    entry.last = Math.max(entry.last, result.startTime.getTime() + result.duration);
    if (result.status === "passed") entry.passed++;
    else if (result.status === "skipped") entry.skipped++;
    else entry.failed++;
    this.engines.set(project, entry);
  }

  onEnd(result: FullResult): void {
    // Each engine: from its first test's start to its last test's end.
    for (const [engine, { first, last, passed, failed, skipped }] of this.engines) {
      const seconds = ((last - first) / 1000).toFixed(1);
      process.stdout.write(`e2e ${engine}: ${passed} passed, ${failed} failed, ${skipped} skipped in ${seconds} s\n`);
    }
    process.stdout.write(`e2e: whole run (demo build and every engine) ${(result.duration / 1000).toFixed(1)} s\n`);
  }
}
