// Builds the package per file with tsc, which keeps each module's 'use client'
// directive (bundlers drop it), then checks that it really did.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";

rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });

const walk = (dir) => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
const directive = /^\s*["']use client["'];?/;
let clientModules = 0;
for (const source of walk("src").filter((f) => /\.tsx?$/.test(f) && !f.endsWith(".d.ts"))) {
  if (!directive.test(readFileSync(source, "utf8"))) continue;
  clientModules++;
  const built = join("dist", relative("src", source)).replace(/\.tsx?$/, ".js");
  if (!existsSync(built) || !directive.test(readFileSync(built, "utf8"))) {
    console.error(`build: ${built} lost its 'use client' directive`);
    process.exit(1);
  }
}
// Every entry point of package.json "exports" (".", "./core", "./locales", …) must have been built.
const { exports: entries } = JSON.parse(readFileSync("package.json", "utf8"));
for (const [entry, target] of Object.entries(entries)) {
  for (const file of typeof target === "string" ? [target] : Object.values(target)) {
    if (!existsSync(file)) {
      console.error(`build: export "${entry}" points at ${file}, which the build did not produce`);
      process.exit(1);
    }
  }
}
if (existsSync("dist/emulator/cli.js")) chmodSync("dist/emulator/cli.js", 0o755);
console.log(`build: dist/ ready, ${clientModules} client modules keep 'use client'`);
