import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The README's Next.js section shows the example's two route files; `npm run test:next` builds and
// runs those files. So the README's blocks must be the files, byte for byte.
const readme = readFileSync(resolve("README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Next.js (App Router)"), readme.indexOf("\n## ", readme.indexOf("## Next.js (App Router)") + 1));
const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

describe("README, Next.js section", () => {
  it.each(["app/api/openrouter/mint/route.ts", "app/api/openrouter/exchange/route.ts"])("shows examples/next-app/%s as it is", (path) => {
    const file = readFileSync(resolve("examples/next-app", path), "utf8");
    expect(file.startsWith(`// ${path}\n`)).toBe(true);
    expect(blocks.filter((block) => block.startsWith(`// ${path}\n`))).toEqual([file]);
  });
});
