import { setTimeout as sleep } from "node:timers/promises";
import { log } from "../log.ts";
import type { ContainerRecord } from "../model/container.ts";
import type { VolumeRecord } from "../model/volume.ts";
import { NO_USAGE, type QuotaUsage, usageOf } from "../quotas/limits.ts";
import { type HostUsage, hostUsageOf, NO_HOST_USAGE } from "../store/hosts.ts";
import type { Stores } from "../store/stores.ts";

/** What the records say each host and each project holds. */
export interface Accounting {
  hosts: Map<string, HostUsage>;
  projects: Map<string, QuotaUsage>;
  /** The cores pinned on each host, as its containers' claims list them. */
  cores: Map<string, number[]>;
}

/** A host's pinned cores as the audit compares them: one comma list, lowest first ("" for none). */
export interface PinnedCores {
  pinned_cores: string;
}

export interface Correction {
  kind: "host" | "project" | "cores";
  id: string;
  recorded: HostUsage | QuotaUsage | PinnedCores;
  recomputed: HostUsage | QuotaUsage | PinnedCores;
}

/**
 * Adds up, from the container and volume records, what each host and each
 * project should hold: every placed container's (and capsule's) claim, one
 * container for each record on no host that still counts as one, and the size
 * of every volume its maker left behind (a kept volume holds its disk until
 * deleted). A capsule's one claim counts all its containers.
 */
export function recomputeAccounting(
  containers: Array<
    Pick<ContainerRecord, "host_id" | "claim" | "project_id"> & { counts_as_container?: boolean | number }
  >,
  volumes: VolumeRecord[],
): Accounting {
  const hosts = new Map<string, HostUsage>();
  const projects = new Map<string, QuotaUsage>();
  const cores = new Map<string, number[]>();
  const onHost = (id: string) => hosts.get(id) ?? hosts.set(id, { ...NO_HOST_USAGE }).get(id)!;
  const ofProject = (id: string) => projects.get(id) ?? projects.set(id, { ...NO_USAGE }).get(id)!;
  for (const container of containers) {
    if (!container.host_id || !container.claim) {
      if (container.counts_as_container)
        ofProject(container.project_id).containers +=
          container.counts_as_container === true ? 1 : container.counts_as_container;
      continue;
    }
    const host = onHost(container.host_id);
    host.cpu_used_millis += container.claim.cpuMillis;
    host.mem_used += container.claim.memory;
    host.disk_used += container.claim.disk;
    host.total_containers += container.claim.containers ?? 1;
    host.ports_used += container.claim.ports ?? 0;
    if (container.claim.cores?.length)
      cores.set(container.host_id, [...(cores.get(container.host_id) ?? []), ...container.claim.cores]);
    const project = ofProject(container.project_id);
    const usage = usageOf(container.claim);
    for (const field of Object.keys(usage) as Array<keyof QuotaUsage>) project[field] += usage[field];
  }
  for (const volume of volumes) {
    if (volume.container_uuid) continue;
    onHost(volume.host_id).disk_used += volume.size;
    ofProject(volume.project_id).disk += volume.size;
  }
  return { hosts, projects, cores };
}

/**
 * The accounting audit: recomputes every host's and project's usage from the
 * records and corrects the counters that drifted, logging each correction
 * (there should be none). Counters are read before and after the records, and
 * only those unchanged across the read are compared; a drift is corrected only
 * when a second look, `settleMs` later, finds the same, and only if the
 * counter still holds what was read: work in flight is never mistaken for drift.
 */
export async function auditAccounting(
  stores: Stores,
  options: { settleMs: number } = { settleMs: 2000 },
): Promise<{ hosts: number; projects: number; corrections: Correction[] }> {
  const first = await findDrift(stores);
  if (first.drift.length === 0) return { hosts: first.hosts, projects: first.projects, corrections: [] };
  await sleep(options.settleMs);
  const second = await findDrift(stores);
  const corrections: Correction[] = [];
  for (const drift of second.drift) {
    const earlier = first.drift.find((other) => other.kind === drift.kind && other.id === drift.id);
    if (!earlier || !sameUsage(earlier.recorded, drift.recorded) || !sameUsage(earlier.recomputed, drift.recomputed))
      continue;
    const corrected =
      drift.kind === "host"
        ? await stores.hosts.correctUsage(drift.id, drift.recorded as HostUsage, drift.recomputed as HostUsage)
        : drift.kind === "cores"
          ? await stores.hosts.correctPinnedCores(
              drift.id,
              coresIn(drift.recorded as PinnedCores),
              coresIn(drift.recomputed as PinnedCores),
            )
          : await stores.quotas.correctUsage(drift.id, drift.recorded as QuotaUsage, drift.recomputed as QuotaUsage);
    if (!corrected) continue;
    log("warn", "accounting audit: corrected a drifted counter", { metric: "berth.accounting.correction", ...drift });
    corrections.push(drift);
  }
  return { hosts: second.hosts, projects: second.projects, corrections };
}

async function findDrift(stores: Stores): Promise<{ hosts: number; projects: number; drift: Correction[] }> {
  const before = await readCounters(stores);
  const capsules = (await stores.capsules.listAll()).map((capsule) => ({
    ...capsule,
    counts_as_container: capsule.held_containers,
  }));
  const claims = [...(await stores.containers.listAll()), ...capsules];
  const expected = recomputeAccounting(claims, await stores.volumes.listAll());
  const after = await readCounters(stores);
  const drift: Correction[] = [];
  for (const [id, recorded] of after.hosts) {
    const recomputed = expected.hosts.get(id) ?? NO_HOST_USAGE;
    if (sameUsage(before.hosts.get(id), recorded) && !sameUsage(recorded, recomputed))
      drift.push({ kind: "host", id, recorded, recomputed });
  }
  for (const [id, recorded] of after.cores) {
    const recomputed = pinnedCores(expected.cores.get(id));
    if (sameUsage(before.cores.get(id), recorded) && !sameUsage(recorded, recomputed))
      drift.push({ kind: "cores", id, recorded, recomputed });
  }
  for (const id of new Set([...after.projects.keys(), ...expected.projects.keys()])) {
    const recorded = after.projects.get(id) ?? NO_USAGE;
    const recomputed = expected.projects.get(id) ?? NO_USAGE;
    if (sameUsage(before.projects.get(id) ?? NO_USAGE, recorded) && !sameUsage(recorded, recomputed))
      drift.push({ kind: "project", id, recorded, recomputed });
  }
  return { hosts: after.hosts.size, projects: after.projects.size, drift };
}

async function readCounters(
  stores: Stores,
): Promise<{ hosts: Map<string, HostUsage>; projects: Map<string, QuotaUsage>; cores: Map<string, PinnedCores> }> {
  const list = await stores.hosts.list();
  const hosts = new Map(list.map((host) => [host.id, hostUsageOf(host)]));
  const cores = new Map(list.map((host) => [host.id, pinnedCores(host.pinned_cores)]));
  return { hosts, projects: await stores.quotas.listUsage(), cores };
}

function pinnedCores(cores: Iterable<number> | undefined): PinnedCores {
  return { pinned_cores: [...(cores ?? [])].sort((a, b) => a - b).join(",") };
}

function coresIn(pinned: PinnedCores): number[] {
  return pinned.pinned_cores === "" ? [] : pinned.pinned_cores.split(",").map(Number);
}

function sameUsage(a: object | undefined, b: object): boolean {
  if (!a) return false;
  return Object.entries(b).every(([field, value]) => (a as Record<string, number>)[field] === value);
}
