import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The tests StrykerJS runs against mutants of src/core and src/server (`npm run mutation`):
// the core and server suites. Not test/hardening: its matrix drives ConnectButton (React, jsdom)
// a thousand times and its soak test runs a thousand flows, so every flow or schema mutant they
// reach ran up to a thousand of them (the run took hours); the core suites test the same rules. Same environment as the "unit" project of vitest.config.ts, one project so that Stryker's
// per-test coverage maps each mutant to the tests that reach it. Not isolated: each mutant run
// reuses the loaded modules instead of importing every test file's graph again (2.5 times faster
// here); the suites pass that way in one worker (`npx vitest run -c vitest.mutation.config.ts`).
export default defineConfig({
  plugins: [react()],
  test: {
    include: ["test/core/**/*.test.ts", "test/server/**/*.test.ts"],
    environment: "node",
    setupFiles: ["test/setup.ts"],
    testTimeout: 10_000,
    isolate: false,
  },
});
