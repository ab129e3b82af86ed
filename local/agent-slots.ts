import { existsSync, readdirSync } from "node:fs";
import { leftoverProcess, orphanedByItsStack, waitForExit } from "./leftover-processes.ts";

/** The host agent's bundle, as the stack builds it beside each stage's state (its name marks an agent's process). */
export const AGENT_PROGRAM = "host-agent.mjs";

/** Where the stack notes the pid of the agent in a slot, beside the slot's state folder. */
export const agentPidFile = (stageState: string, slot: number) => `${stageState}/agent-${slot}.pid`;

/**
 * Waits until no agent an earlier run of this stage left behind still runs:
 * such agents stop by themselves once their stack is gone, but until then
 * they hold their slot, and one slot must never have two agents.
 */
export async function waitForLeftoverAgents(stageState: string, say: (line: string) => void): Promise<void> {
  if (!existsSync(stageState)) return;
  for (const file of readdirSync(stageState).filter((name) => /^agent-\d+\.pid$/.test(name))) {
    const pid = leftoverProcess(`${stageState}/${file}`, AGENT_PROGRAM);
    if (pid === undefined) continue;
    if (!orphanedByItsStack(`${stageState}/${file}`))
      throw new Error(
        `Another local stack runs this stage (its host agent, pid ${pid}, is in ${file.replace(".pid", "")}): stop it first, or use another BERTH_STAGE.`,
      );
    say(`Waiting for the host agent an earlier run left in ${file.replace(".pid", "")} (pid ${pid}) to finish…`);
    await waitForExit(pid, AGENT_PROGRAM, { graceMs: 30_000, termMs: 15_000 });
  }
}

/**
 * The slice of the host port range the agent in `slot` publishes on, when
 * `slots` agents share one Docker engine: disjoint slices, so no two agents
 * ever publish the same host port. Slots beyond `slots` (agents added by hand)
 * get the whole range.
 */
export function portRangeForSlot(range: string, slot: number, slots: number): string {
  if (slots <= 1 || slot >= slots) return range;
  const match = /^\s*(\d+)-(\d+)\s*$/.exec(range);
  if (!match) return range; // the agent names the mistake
  const [start, end] = [Number(match[1]), Number(match[2])];
  const size = Math.floor((end - start + 1) / slots);
  if (size < 1) throw new Error(`BERTH_HOST_PORT_RANGE ${range} is too small to give each of ${slots} agents a port`);
  const first = start + slot * size;
  const last = slot === slots - 1 ? end : first + size - 1;
  return `${first}-${last}`;
}
