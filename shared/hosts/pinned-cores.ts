import type { Claim, ContainerSpec } from "../model/container.ts";
import type { HostRecord } from "../model/host.ts";

/** How many whole cores a container pins: its cpu under `cpu_policy: dedicated`, else none. */
export function coresNeededBy(spec: Pick<ContainerSpec, "cpu" | "cpu_policy">): number {
  return spec.cpu_policy === "dedicated" ? spec.cpu : 0;
}

/** The host's cores no container is pinned to, lowest first. */
export function freeCoresOf(host: Pick<HostRecord, "cpus" | "pinned_cores">): number[] {
  const pinned = host.pinned_cores ?? new Set<number>();
  return Array.from({ length: host.cpus }, (_, core) => core).filter((core) => !pinned.has(core));
}

/**
 * The claim a container takes on this host: `claim` with the lowest free
 * cores it pins (its claim transaction takes them only if they are still
 * free), or undefined when the host has too few free cores.
 */
export function claimOnHost(
  claim: Claim,
  host: Pick<HostRecord, "cpus" | "pinned_cores">,
  spec: Pick<ContainerSpec, "cpu" | "cpu_policy">,
): Claim | undefined {
  const needed = coresNeededBy(spec);
  const { cores: _previousHost, ...rest } = claim;
  if (needed === 0) return rest;
  const free = freeCoresOf(host);
  if (free.length < needed) return undefined;
  return { ...rest, cores: free.slice(0, needed) };
}

/** Docker's CpusetCpus for the cores a claim pins ("0,1"), or undefined when it pins none. */
export function cpusetOf(claim: Pick<Claim, "cores"> | null | undefined): string | undefined {
  return claim?.cores && claim.cores.length > 0 ? claim.cores.join(",") : undefined;
}
