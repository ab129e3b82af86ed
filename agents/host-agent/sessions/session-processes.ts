import { readdir, readFile } from "node:fs/promises";

/**
 * The processes of the terminal session led by `leader` (an exec's shell and
 * everything it started, job-control groups included), as host pids from /proc.
 */
export async function sessionMembers(leader: number): Promise<number[]> {
  const members: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Fields after the command's closing parenthesis: state, ppid, pgrp, session, …
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[3]) === leader) members.push(Number(entry));
  }
  return members;
}

export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
