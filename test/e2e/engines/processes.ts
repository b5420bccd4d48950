// Processes the suite starts outside the browsers' own launchers (Xvfb, WebKitWebDriver and the
// MiniBrowser it spawns) and the browsers' process groups: each is started in a process group of
// its own and written to a pid file, so it is stopped with its children when the worker ends, on
// the worker's exit, and, should a worker be killed outright, by global-teardown.ts (sweepPids).
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { withDeadline } from "./driver.js";

export const PID_FILE = fileURLToPath(new URL("../../../test-results/e2e/engine-pids", import.meta.url));

const running = new Set<number>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

// The worker's last word: whatever is still running goes with it.
process.on("exit", () => {
  for (const pid of running) killGroup(pid);
});

/** Remembers a process group (its leader's pid) for `stopGroup`, the exit handler and the sweep. */
export function trackGroup(pid: number, command: string): void {
  running.add(pid);
  mkdirSync(dirname(PID_FILE), { recursive: true });
  appendFileSync(PID_FILE, `${pid} ${command}\n`);
}

/** Stops a tracked process group and everything in it. */
export function stopGroup(pid: number): void {
  killGroup(pid);
  running.delete(pid);
}

/** Starts `command` as the leader of a new process group, tracked. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  trackGroup(child.pid, command);
  child.unref();
  return child;
}

/**
 * Starts Xvfb on the first free display (it picks one and writes its number to fd 3) and returns
 * the DISPLAY value and a stop function. Bounded: no display within 10 s is an error.
 */
export async function startXvfb(): Promise<{ display: string; stop: () => void }> {
  const child = spawnGroup("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], { stdio: ["ignore", "ignore", "pipe", "pipe"] });
  const pid = child.pid as number;
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const displayNumber = new Promise<string>((done, fail) => {
    let text = "";
    child.stdio[3]?.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (text.includes("\n")) done(text.trim());
    });
    child.once("exit", (code) => fail(new Error(`Xvfb exited (${code}): ${stderr.trim()}`)));
  });
  try {
    const number = await withDeadline(displayNumber, 10_000, "Xvfb");
    return { display: `:${number}`, stop: () => stopGroup(pid) };
  } catch (error) {
    stopGroup(pid);
    throw error;
  }
}

/** Kills every group the pid file names whose leader still runs one of the suite's commands. */
export function sweepPids(): string[] {
  if (!existsSync(PID_FILE)) return [];
  const swept: string[] = [];
  for (const line of readFileSync(PID_FILE, "utf8").split("\n")) {
    const [pidText, command] = line.split(" ");
    const pid = Number(pidText);
    if (!pid || !command) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue; // gone
    }
    // Never a pid reused by something else: only a process still running what we started.
    if (!cmdline.includes(command.split("/").pop() as string)) continue;
    killGroup(pid);
    swept.push(`${pid} ${command}`);
  }
  rmSync(PID_FILE, { force: true });
  return swept;
}

/** The pids of the live processes (zombies left out) in process group `pgid` (Linux: from /proc). */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}
