import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { lockStateDir, StateDirHeldError } from "../../../agents/host-agent/state-dir-lock.ts";

const folders: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-lock-"));
  folders.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
}

it("refuses a folder whose lock a live process holds, naming it", async () => {
  const dir = folder();
  const other = spawn("sleep", ["30"]);
  try {
    await new Promise((resolve) => other.once("spawn", resolve));
    writeFileSync(join(dir, "agent.lock"), JSON.stringify({ pid: other.pid, started: startTimeOf(other.pid!) }));
    expect(() => lockStateDir(dir)).toThrow(StateDirHeldError);
    expect(() => lockStateDir(dir)).toThrow(`${dir} is held by another agent (pid ${other.pid})`);
  } finally {
    other.kill("SIGKILL");
  }
});

it("takes over the lock of a process that is gone, or of a reused pid, and releases only its own", async () => {
  const dir = folder();
  const gone = spawn("true");
  await new Promise((resolve) => gone.once("exit", resolve));
  writeFileSync(join(dir, "agent.lock"), JSON.stringify({ pid: gone.pid, started: "1" }));
  const lock = lockStateDir(dir);
  expect(JSON.parse(readFileSync(join(dir, "agent.lock"), "utf8")).pid).toBe(process.pid);
  lock.release();
  expect(() => readFileSync(join(dir, "agent.lock"))).toThrow();

  // A live process with the recorded pid but another start time: the owner died and its pid was reused.
  const reused = spawn("sleep", ["30"]);
  let again: { release(): void };
  try {
    await new Promise((resolve) => reused.once("spawn", resolve));
    writeFileSync(join(dir, "agent.lock"), JSON.stringify({ pid: reused.pid, started: "1" }));
    again = lockStateDir(dir);
  } finally {
    reused.kill("SIGKILL");
  }
  writeFileSync(join(dir, "agent.lock"), JSON.stringify({ pid: 1, started: "someone else's" }));
  again.release();
  expect(JSON.parse(readFileSync(join(dir, "agent.lock"), "utf8")).pid).toBe(1);
});
