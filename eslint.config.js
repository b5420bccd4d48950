import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// The layers of src/: core (no React, runs in Node and browsers) <- react (binds core);
// server and emulator (Node or edge, no React) build on core. An import across these lines fails lint.
const react = { regex: "^(react|react-dom|@tanstack/react-query)(/|$)", message: "This layer has no React: it runs without it." };
// A relative import that reaches into one of `dirs` (../react/index.js, ../../server/node.js).
const layer = (dirs, message) => ({ regex: `^(\\.\\.?/)+(.*/)?(${dirs.join("|")})(/|$)`, message });
const restrict = (...patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

export default tseslint.config(
  {
    ignores: ["dist", "storybook-static", "demo/dist", "node_modules", "coverage", "public", "demo/public", "test-results", "examples/*/.next", "examples/*/next-env.d.ts", "reports", ".stryker-tmp"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/core/**"],
    rules: restrict(react, layer(["react", "server", "emulator"], "src/core stands below every other layer: it imports none of them.")),
  },
  {
    files: ["src/react/**"],
    rules: restrict(layer(["server", "emulator"], "src/react binds src/core only; server and emulator code never reaches a browser bundle this way.")),
  },
  {
    files: ["src/server/**", "src/emulator/**"],
    rules: restrict(react, layer(["react"], "src/react is the browser binding: server and emulator code does not import it.")),
  },
);
