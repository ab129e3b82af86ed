import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Another live agent holds the state folder: two agents on one folder would be one host twice. */
export class StateDirHeldError extends Error {
  constructor(
    readonly stateDir: string,
    readonly pid: number,
  ) {
    super(
      `the state folder ${stateDir} is held by another agent (pid ${pid}); one agent per folder: give this one a BERTH_AGENT_STATE_DIR of its own`,
    );
    this.name = "StateDirHeldError";
  }
}

interface LockOwner {
  pid: number;
  /** The process's start time as the kernel counts it, so a reused pid is not taken for the owner. */
  started: string | null;
}

/**
 * Holds `<stateDir>/agent.lock` for this process until `release` (or exit).
 * A lock whose process is gone (killed, crashed) is taken over; one held by
 * a live agent is refused with StateDirHeldError.
 */
export function lockStateDir(stateDir: string): { release(): void } {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, "agent.lock");
  const mine: LockOwner = { pid: process.pid, started: startTimeOf(process.pid) };
  const content = JSON.stringify(mine);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, content, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 3) throw error;
    }
    const seen = readOwner(file);
    if (seen && isAlive(seen) && seen.pid !== process.pid) throw new StateDirHeldError(stateDir, seen.pid);
    // Stale: its agent is gone. Take it over unless someone else just did.
    const again = readOwner(file);
    if (again && JSON.stringify(again) !== JSON.stringify(seen)) continue;
    try {
      unlinkSync(file);
    } catch {
      // taken over meanwhile: look again
    }
  }
  const release = () => {
    try {
      if (readFileSync(file, "utf8") === content) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.once("exit", release);
  return { release };
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LockOwner;
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const started = startTimeOf(owner.pid);
  return owner.started === null || started === null || started === owner.started;
}

/** Field 22 of /proc/<pid>/stat (Linux); null where there is no /proc. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}
