import type { HostRecord } from "../model/host.ts";
import type { HostFilter, PlacementRequest } from "./filters/filter.ts";
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
