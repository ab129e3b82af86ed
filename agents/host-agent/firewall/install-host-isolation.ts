import type { Iptables, IptablesError } from "./iptables.ts";
import {
  type AllowedHostPort,
  CONTAINER_BRIDGES,
  type IpFamily,
  ISOLATION_CHAIN,
  isolationChainRuleset,
  isolationJumps,
} from "./isolation-rules.ts";

/**
 * Installs (or refreshes) the isolation chain for one family, idempotently:
 * the chain's content is replaced in one transaction, and each jump into it
 * is added only when missing, first in its chain, so it runs before anything
 * else (Docker's own rules, or another firewall's) lets the packet through.
 */
export async function installHostIsolation(
  iptables: Iptables,
  family: IpFamily,
  allowed: AllowedHostPort[],
): Promise<{ jumpsAdded: number }> {
  await iptables.restore(family, isolationChainRuleset(family, allowed));
  const forwardChain = (await ruleHolds(iptables, family, ["-S", "DOCKER-USER"])) ? "DOCKER-USER" : "FORWARD";
  let jumpsAdded = 0;
  // Inserted at the top one after the other, the last inserted ends first: go through them backwards.
  for (const jump of isolationJumps(forwardChain).reverse())
    if (!(await ruleHolds(iptables, family, ["-C", jump.chain, ...jump.spec]))) {
      await iptables.run(family, ["-I", jump.chain, "1", ...jump.spec]);
      jumpsAdded++;
    }
  return { jumpsAdded };
}

/** Whether one family's isolation chain is in place (jumps aside). */
export function hostIsolationInstalled(iptables: Iptables, family: IpFamily): Promise<boolean> {
  return ruleHolds(iptables, family, ["-S", ISOLATION_CHAIN]);
}

/** Takes the chain and every jump into it away; what is not there is skipped. */
export async function removeHostIsolation(iptables: Iptables, family: IpFamily): Promise<void> {
  for (const chain of ["INPUT", "DOCKER-USER", "FORWARD"])
    for (const bridge of CONTAINER_BRIDGES) {
      const spec = ["-i", bridge, "-j", ISOLATION_CHAIN];
      // Agents starting at the same moment may each have added the same jump.
      while (await ruleHolds(iptables, family, ["-C", chain, ...spec]))
        await iptables.run(family, ["-D", chain, ...spec]);
    }
  if (await hostIsolationInstalled(iptables, family)) {
    await iptables.run(family, ["-F", ISOLATION_CHAIN]);
    await iptables.run(family, ["-X", ISOLATION_CHAIN]);
  }
}

/** Runs a check (`-C`, `-S`): true when it succeeds, false when iptables says no; other failures are thrown. */
async function ruleHolds(iptables: Iptables, family: IpFamily, args: string[]): Promise<boolean> {
  try {
    await iptables.run(family, args);
    return true;
  } catch (error) {
    if ((error as IptablesError).kind === "failed") return false;
    throw error;
  }
}
