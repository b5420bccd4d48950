// The bin, started as a user would (through tsx, since dist/ may not be built).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";

const CLI = fileURLToPath(new URL("../../src/emulator/cli.ts", import.meta.url));

function run(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const output = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const look = () => (pattern.test(stdout) ? resolve(stdout) : undefined);
      child.stdout.on("data", look);
      void exited.then(() => reject(new Error(`exited before printing ${pattern}: ${stdout}${stderr}`)));
      look();
    });
  return { child, exited, output, stderr: () => stderr };
}

describe("openrouter-connect-emulator", () => {
  it("prints its URLs and key, serves, and stops on SIGTERM", async () => {
    const cli = run(["--port", "0", "--api-key", "sk-or-v1-cli-test", "--code-ttl-ms", "5000"]);
    const printed = await cli.output(/Press Ctrl\+C/);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1];
    expect(url).toBeDefined();
    expect(printed).toContain(`${url}/auth`);
    expect(printed).toContain(`${url}/api/v1`);
    expect(printed).toContain(`${url}/settings/keys`);
    expect(printed).toContain("sk-or-v1-cli-test");

    const minted = await fetch(`${url}/api/v1/auth/keys/code`, {
      method: "POST",
      headers: { Authorization: "Bearer sk-or-v1-cli-test" },
      body: JSON.stringify({ callback_url: "https://app.example/cb" }),
    });
    expect(minted.status).toBe(200);
    await cli.output(/code issued \(minted\) auth_code_/);

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  });

  it("refuses bad arguments with the usage and exit code 2", async () => {
    const cli = run(["--port", "eighty"]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(/--port must be an integer[\s\S]*Usage:/);
    const unknown = run(["--verbose"]);
    expect(await unknown.exited).toBe(2);
  });
});
