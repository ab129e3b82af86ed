import { log } from "../../../shared/log.ts";
import { installHostIsolation } from "./install-host-isolation.ts";
import { type Iptables, IptablesError, systemIptables } from "./iptables.ts";
import type { AllowedHostPort } from "./isolation-rules.ts";

/** `BERTH_HOST_FIREWALL`: never touch the host's firewall; install when possible; or refuse to start without it. */
export type HostFirewallSetting = "off" | "on" | "required";

export const HOST_FIREWALL_SETTINGS: readonly HostFirewallSetting[] = ["off", "on", "required"];

/** The agent would run containers that can reach its host's own services and the metadata address. */
export class HostFirewallUnavailableError extends Error {
  constructor(options: { cause: unknown }) {
    super(
      `BERTH_HOST_FIREWALL=required and the host isolation rules could not be installed: ${(options.cause as Error).message}`,
      options,
    );
    this.name = new.target.name;
  }
}

/**
 * Keeps containers off their host at agent start (see isolation-rules.ts).
 * IPv4 is what `required` demands; IPv6 is installed where the host has it,
 * with a warning where it cannot be. The rules stay when the agent stops:
 * the containers run on without it, and a restart finds them in place.
 */
export async function applyHostFirewall(
  setting: HostFirewallSetting,
  allowed: AllowedHostPort[],
  iptables: Iptables = systemIptables(),
): Promise<"installed" | "not installed" | "off"> {
  if (setting === "off") {
    log("warn", "BERTH_HOST_FIREWALL=off: containers on this host can reach its own services and the metadata address");
    return "off";
  }
  try {
    await installHostIsolation(iptables, "ipv4", allowed);
  } catch (error) {
    if (setting === "required") throw new HostFirewallUnavailableError({ cause: error });
    const kind = error instanceof IptablesError ? error.kind : "failed";
    log(
      "warn",
      "host isolation rules not installed: containers on this host can reach its own services and the metadata address",
      {
        reason: (error as Error).message,
        hint: kind === "missing" ? "install iptables" : kind === "denied" ? "run the agent as root" : undefined,
      },
    );
    return "not installed";
  }
  await installHostIsolation(iptables, "ipv6", allowed).catch((error: unknown) =>
    log("warn", "IPv6 host isolation rules not installed", { reason: (error as Error).message }),
  );
  log("info", "host isolation rules installed", { allowed_host_ports: allowed });
  return "installed";
}

/**
 * Puts back what a firewall reload, an administrator or a daemon took away
 * from rules the agent installed at start; run every BERTH_SYNC_SECONDS.
 */
export async function keepHostIsolation(
  allowed: AllowedHostPort[],
  iptables: Iptables = systemIptables(),
): Promise<void> {
  for (const family of ["ipv4", "ipv6"] as const) {
    const { jumpsAdded } = await installHostIsolation(iptables, family, allowed).catch((error: unknown) => {
      if (family === "ipv4") throw error;
      return { jumpsAdded: 0 };
    });
    if (jumpsAdded > 0)
      log("warn", "host isolation rules had been taken away: put back", { family, jumps: jumpsAdded });
  }
}
