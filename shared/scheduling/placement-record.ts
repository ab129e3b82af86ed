import type { HostRecord } from "../model/host.ts";
import type { HostFilter, PlacementRequest } from "./filters/filter.ts";
import { FILTERS } from "./filters/registry.ts";
import type { Multipliers, WeigherName } from "./weighers/weigher-names.ts";

/** How many of the best-ranked hosts a record keeps the scores of. */
export const SCORED_HOSTS_KEPT = 5;

/** What one filter removed: how many hosts, and why in one phrase. */
export interface FilterRejections {
  filter: string;
  hosts: number;
  reason: string;
}

/** One of the best-ranked hosts and how it scored (in millionths): the sum, and each weigher's part. */
export interface HostScore {
  host: string;
  score: number;
  weighers: Partial<Record<WeigherName, number>>;
  /** The soft group policy's part, which ranks before the sum. */
  preference?: number;
}

/**
 * The decision as data (Nomad's AllocationMetric): how many hosts were
 * evaluated, how many each filter removed and why, how the best scored, and
 * which claim attempt ended it. The action's `schedule` event keeps it whole,
 * and `status_reason` is rendered from it.
 */
export interface PlacementRecord {
  outcome: "placed" | "no_valid_host" | "gave_up";
  strategy: string;
  /** The weighers' multipliers: the strategy's preset with the deployment's on top. */
  multipliers: Multipliers;
  /** Hosts the filters looked at. */
  hosts_evaluated: number;
  /** Hosts that passed every filter. */
  candidates: number;
  /** Hosts removed, in filter order (a host is counted by the first filter it fails). */
  filtered: FilterRejections[];
  scores: HostScore[];
  /** The claim attempt that placed it (or the last one tried). */
  attempts: number;
  /** An admin forced the host through `availability_zone`: these filters were not run. */
  forced_host_skipped_filters?: string[];
  /** The server group the container joins with this claim. */
  server_group?: { id: string; name: string; policy: string };
}

/** The rejections as the record keeps them, in filter order. */
export function filteredOf(rejections: Map<HostFilter, HostRecord[]>, request: PlacementRequest): FilterRejections[] {
  return [...rejections.entries()]
    .sort(([a], [b]) => FILTERS.indexOf(a) - FILTERS.indexOf(b))
    .map(([filter, rejected]) => ({
      filter: filter.name,
      hosts: rejected.length,
      reason: filter.explain(rejected, request),
    }));
}

/** "No valid host was found: 4 hosts: 3 insufficient memory (need 512 MiB, best has 256 MiB); 1 label mismatch (…)." */
export function reasonOf(record: PlacementRecord): string {
  if (record.outcome === "gave_up")
    return `No valid host was found: gave up after ${record.attempts} attempts under contention.`;
  const count = record.hosts_evaluated;
  if (count === 0) return "No valid host was found: no hosts are registered.";
  const parts = record.filtered.map(({ hosts, reason }) => `${hosts} ${reason}`);
  return `No valid host was found: ${count} host${count === 1 ? "" : "s"}: ${parts.join("; ")}.`;
}
