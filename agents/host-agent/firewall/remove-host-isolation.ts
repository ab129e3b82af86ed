import { removeHostIsolation } from "./install-host-isolation.ts";
import { systemIptables } from "./iptables.ts";

/**
 * `npm exec tsx agents/host-agent/firewall/remove-host-isolation.ts`: takes
 * the isolation rules off this host (agents leave them when they stop).
 */
const iptables = systemIptables();
for (const family of ["ipv4", "ipv6"] as const)
  await removeHostIsolation(iptables, family).catch((error: unknown) =>
    console.error(`${family}: ${(error as Error).message}`),
  );
