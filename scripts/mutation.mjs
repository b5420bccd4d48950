#!/usr/bin/env node
// `npm run mutation`: StrykerJS over src/core and src/server (stryker.config.mjs), then a table per
// file from its JSON report and the bar: at least 90% on every file, or exit 1 naming each file
// under it with its surviving mutants. Arguments go to `stryker run` (`--incremental`,
// `--mutate src/server/body.ts`, `--concurrency 1`); `--report-only` skips Stryker and reads the
// last report. The HTML report is reports/mutation/index.html.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BAR = 90;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const REPORT = join(root, "reports/mutation/mutation.json");

const args = process.argv.slice(2);
const reportOnly = args.includes("--report-only");
if (!reportOnly) {
  const started = Date.now();
  const stryker = spawnSync(process.execPath, [join(root, "node_modules/@stryker-mutator/core/bin/stryker.js"), "run", ...args], { cwd: root, stdio: "inherit" });
  console.log(`\nStryker took ${((Date.now() - started) / 60_000).toFixed(1)} min.`);
  if (stryker.status !== 0) {
    console.error(`Stryker failed (exit ${stryker.status ?? stryker.signal}): no table, no bar.`);
    process.exit(1);
  }
}

/** Stryker's statuses → the table's columns. Errors (a mutant that does not compile or crashes the runner) count nowhere, as in Stryker's own score. */
function tally(mutants) {
  const t = { killed: 0, survived: 0, timeout: 0, noCoverage: 0, messageText: 0, equivalent: 0, static: 0, errors: 0, survivors: [] };
  for (const m of mutants) {
    switch (m.status) {
      case "Killed":
        t.killed++;
        break;
      case "Timeout":
        t.timeout++;
        break;
      case "Survived":
        t.survived++;
        t.survivors.push(m);
        break;
      case "NoCoverage":
        t.noCoverage++;
        t.survivors.push(m);
        break;
      case "Ignored":
        if (/^Message text for people/.test(m.statusReason ?? "")) t.messageText++;
        else if (/^Static mutant/.test(m.statusReason ?? "")) t.static++;
        // A `// Stryker disable … : <why it is equivalent>` comment in the source.
        else t.equivalent++;
        break;
      default:
        t.errors++;
    }
  }
  const detected = t.killed + t.timeout;
  const valid = detected + t.survived + t.noCoverage;
  t.score = valid === 0 ? 100 : (100 * detected) / valid;
  return t;
}

const report = JSON.parse(readFileSync(REPORT, "utf8"));
const rows = Object.entries(report.files)
  .map(([file, { mutants, source }]) => ({ file: file.replace(/^src\//, ""), source, ...tally(mutants) }))
  .sort((a, b) => a.file.localeCompare(b.file));

const columns = ["file", "killed", "survived", "timeout", "no coverage", "score", "ignored: message text", "ignored: equivalent", "static, not run", "errors"];
const cells = (r) => [r.file, r.killed, r.survived, r.timeout, r.noCoverage, `${r.score.toFixed(1)}%`, r.messageText, r.equivalent, r.static, r.errors].map(String);
const total = tally(Object.values(report.files).flatMap((f) => f.mutants));
const lines = [columns, ...rows.map(cells), cells({ ...total, file: "all files" })];
const widths = columns.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
const format = (l) => `| ${l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
console.log(`\nMutation score per file (killed + timeout over all but ignored and errors), bar ${BAR}%:\n`);
console.log(format(lines[0]));
console.log(`|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
for (const l of lines.slice(1)) console.log(format(l));

const below = rows.filter((r) => r.score < BAR);
if (below.length) {
  console.error(`\nUnder the ${BAR}% bar:`);
  for (const r of below) {
    console.error(`\n  src/${r.file}: ${r.score.toFixed(1)}%, survivors:`);
    const byLine = [...r.survivors].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
    for (const m of byLine) {
      const { line, column } = m.location.start;
      const replacement = (m.replacement ?? "").replace(/\s+/g, " ");
      const text = replacement ? ` → ${replacement.length > 80 ? `${replacement.slice(0, 80)}…` : replacement}` : "";
      console.error(`    src/${r.file}:${line}:${column} ${m.mutatorName}${text} (${m.status})`);
    }
  }
  console.error(`\nFAILED: ${below.map((r) => `src/${r.file} (${r.score.toFixed(1)}%)`).join(", ")} under ${BAR}%. Report: reports/mutation/index.html`);
  process.exit(1);
}
console.log(`\nEvery file at ${BAR}% or more. Report: reports/mutation/index.html`);
