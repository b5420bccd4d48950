import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The layer rules of eslint.config.js, run on probe files that are linted but never written.
const eslint = new ESLint({ cwd: new URL("../..", import.meta.url).pathname });

async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layers (npm run lint)", () => {
  it.each([
    ["src/core/probe.ts", 'import { useState } from "react";\nexport const x = useState;\n'],
    ["src/core/flow/probe.ts", 'import { QueryClient } from "@tanstack/react-query";\nexport const x = QueryClient;\n'],
    ["src/core/probe.ts", 'import { ConnectButton } from "../react/index.js";\nexport const x = ConnectButton;\n'],
    ["src/core/flow/probe.ts", 'import { createMintHandler } from "../../server/index.js";\nexport const x = createMintHandler;\n'],
    ["src/core/probe.ts", 'import { startOpenRouterEmulator } from "../emulator/index.js";\nexport const x = startOpenRouterEmulator;\n'],
    ["src/react/probe.ts", 'import { createMintHandler } from "../server/index.js";\nexport const x = createMintHandler;\n'],
    ["src/react/probe.ts", 'import { startOpenRouterEmulator } from "../emulator/index.js";\nexport const x = startOpenRouterEmulator;\n'],
    ["src/server/probe.ts", 'import { createElement } from "react";\nexport const x = createElement;\n'],
    ["src/server/probe.ts", 'import { ConnectButton } from "../react/index.js";\nexport const x = ConnectButton;\n'],
    ["src/emulator/probe.ts", 'import { renderToString } from "react-dom/server";\nexport const x = renderToString;\n'],
  ])("%s: refuses %s", async (file, code) => {
    expect(await refusals(file, code)).toHaveLength(1);
  });

  it.each([
    ["src/react/probe.ts", 'import { useState } from "react";\nimport { createPkcePair } from "../core/pkce.js";\nexport const x = [useState, createPkcePair];\n'],
    ["src/server/probe.ts", 'import { createPkcePair } from "../core/pkce.js";\nexport const x = createPkcePair;\n'],
    ["src/emulator/probe.ts", 'import { toNodeHandler } from "../server/node.js";\nexport const x = toNodeHandler;\n'],
  ])("%s: allows %s", async (file, code) => {
    expect(await refusals(file, code)).toEqual([]);
  });
});
