import type { HostRecord } from "../hosts/record.ts";
import type { HostFilter, PlacementRequest } from "./filters/filter.ts";
import { FILTERS } from "./filters/registry.ts";
import { filtersFor } from "./forced-host.ts";

export interface Candidates {
  /** Hosts that passed every filter (ranking them is rank-hosts' job). */
  hosts: HostRecord[];
  /** The hosts each filter rejected (a host is counted by the first filter it fails). */
  rejections: Map<HostFilter, HostRecord[]>;
}

export function chooseCandidates(
  hosts: HostRecord[],
  request: PlacementRequest,
  filters = filtersFor(request),
): Candidates {
  const rejections = new Map<HostFilter, HostRecord[]>();
  const passed: HostRecord[] = [];
  for (const host of hosts) {
    const failed = filters.find((filter) => !filter.passes(host, request));
    if (!failed) passed.push(host);
    else rejections.set(failed, [...(rejections.get(failed) ?? []), host]);
  }
  return { hosts: passed, rejections };
}

/** "No valid host was found: 4 hosts: 3 insufficient memory (need 512 MiB, best has 256 MiB), 1 label mismatch (…)". */
export function explainNoValidHost(
  hostCount: number,
  rejections: Map<HostFilter, HostRecord[]>,
  request: PlacementRequest,
): string {
  if (hostCount === 0) return "No valid host was found: no hosts are registered.";
  const inFilterOrder = [...rejections.entries()].sort(([a], [b]) => FILTERS.indexOf(a) - FILTERS.indexOf(b));
  const parts = inFilterOrder.map(([filter, rejected]) => `${rejected.length} ${filter.explain(rejected, request)}`);
  return `No valid host was found: ${hostCount} host${hostCount === 1 ? "" : "s"}: ${parts.join("; ")}.`;
}
