// StrykerJS over src/core (flow included) and src/server: `npm run mutation` (scripts/mutation.mjs
// runs it, prints the table per file and enforces the bar). The README's "Mutation testing" says why
// each choice below.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  // test/core and test/server (vitest.mutation.config.ts says why not test/hardening).
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  coverageAnalysis: "perTest",
  // messages.ts is the UI's text table (translated): words, not behaviour. index.ts files only re-export.
  mutate: ["src/core/**/*.ts", "src/server/**/*.ts", "!src/**/index.ts", "!src/core/messages.ts"],
  // Texts for people are not scored (scripts/stryker-message-text.mjs says which).
  appendPlugins: ["./scripts/stryker-message-text.mjs"],
  ignorers: ["message-text"],
  // A mutant that runs only while a module loads (a Set of codes, a regex, a zod schema built at
  // module level) needs the whole suite reloaded for each: ~4 h on two cores. They are listed per
  // file as "static, not run"; a mutant also reached by a test's own code is run against that test.
  ignoreStatic: true,
  // Two cores.
  concurrency: 2,
  reporters: ["html", "json", "progress"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  incrementalFile: "reports/mutation/stryker-incremental.json",
  tempDirName: ".stryker-tmp",
};
