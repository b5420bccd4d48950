import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

// The README's core example must really run: take it verbatim, point its imports at src/.
const readme = readFileSync(resolve("README.md"), "utf8");
const example = /```ts\n(import \{ buildAuthorizationUrl[\s\S]*?)```/.exec(readme)?.[1];
const dir = mkdtempSync(join(resolve("test"), ".readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README", () => {
  it("has a core example that runs against the emulator", async () => {
    expect(example).toBeDefined();
    const source = (example as string)
      .replace('"openrouter-connect/core"', JSON.stringify(pathToFileURL(resolve("src/core/index.ts")).href))
      .replace('"openrouter-connect/emulator"', JSON.stringify(pathToFileURL(resolve("src/emulator/index.ts")).href));
    const file = join(dir, "example.ts");
    writeFileSync(file, source);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await import(/* @vite-ignore */ pathToFileURL(file).href);
    expect(log).toHaveBeenCalledWith(true, true, "user_emulator");
  });
});
