import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Pid files let a restarted stack recognise what an earlier run left behind
 * (it was killed before it could stop its children). A pid counts only while
 * its process still runs the same program, so a reused pid is never mistaken.
 */
export function recordPid(file: string, pid: number | undefined, note = ""): void {
  if (pid !== undefined) writeFileSync(file, `${pid}\n${note}`);
}

/** The note recordPid kept with the pid (e.g. who is responsible for stopping the process). */
export function pidNote(file: string): string {
  return existsSync(file) ? (readFileSync(file, "utf8").split("\n")[1] ?? "").trim() : "";
}

/** The note for a process a stack starts and must stop: it names the stack, so a later one can tell whether that stack still lives. */
export const startedByThisStack = () => `stack ${process.pid}`;

/** Whether the process was started by a stack that has since died (leaving it to whoever comes next). */
export function orphanedByItsStack(file: string): boolean {
  const match = /^stack (\d+)$/.exec(pidNote(file));
  if (!match) return false;
  try {
    process.kill(Number(match[1]), 0);
    return false;
  } catch {
    return true;
  }
}

/** The live process the pid file names, if its command line still contains `program`. */
export function leftoverProcess(file: string, program: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]!.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return runs(pid, program) ? pid : undefined;
}

export function forgetPid(file: string): void {
  rmSync(file, { force: true });
}

/** Waits for a process to end by itself, then asks (SIGTERM) and finally insists (SIGKILL). */
export async function waitForExit(
  pid: number,
  program: string,
  options: { graceMs: number; termMs: number },
): Promise<void> {
  if (await endsWithin(pid, program, options.graceMs)) return;
  signal(pid, "SIGTERM");
  if (await endsWithin(pid, program, options.termMs)) return;
  signal(pid, "SIGKILL");
  await endsWithin(pid, program, 5_000);
}

async function endsWithin(pid: number, program: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (runs(pid, program)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

function runs(pid: number, program: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    const text = readFileSync(cmdline, "utf8");
    // A zombie has an empty command line: it has ended, only not been reaped.
    return text.length > 0 && text.replace(/\0/g, " ").includes(program);
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
