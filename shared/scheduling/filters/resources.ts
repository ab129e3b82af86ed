import { coresNeededBy, freeCoresOf } from "../../hosts/pinned-cores.ts";
import type { HostRecord } from "../../model/host.ts";
import type { HostFilter, PlacementRequest } from "./filter.ts";

/** Builds a filter for one countable resource: free = total - used must cover the need. */
function resourceFilter(
  name: string,
  free: (host: HostRecord) => number,
  need: (request: PlacementRequest) => number,
  show: (amount: number) => string,
): HostFilter {
  return {
    name,
    passes: (host, request) => free(host) >= need(request),
    explain: (rejected, request) => {
      const best = Math.max(0, ...rejected.map(free));
      return `insufficient ${name} (need ${show(need(request))}, best has ${show(best)})`;
    },
  };
}

export const cpuFilter = resourceFilter(
  "cpu",
  (host) => host.cpu_total_millis - host.cpu_used_millis,
  (request) => request.cpuMillis,
  (millis) => (millis / 1000).toFixed(2),
);

export const memoryFilter = resourceFilter(
  "memory",
  (host) => host.mem_total - host.mem_used,
  (request) => request.spec.memory,
  (mib) => `${mib} MiB`,
);

export const portsFilter = resourceFilter(
  "host ports",
  (host) => (host.ports_total ?? 0) - (host.ports_used ?? 0),
  (request) => Object.keys(request.spec.exposed_ports).length,
  (count) => String(count),
);

export const diskFilter = resourceFilter(
  "disk",
  (host) => host.disk_total - host.disk_used,
  (request) => request.spec.disk,
  (gib) => `${gib} GiB`,
);

/** Whole cores for `cpu_policy: dedicated`: only cores no other container is pinned to count. */
export const dedicatedCoresFilter = resourceFilter(
  "dedicated cores",
  (host) => freeCoresOf(host).length,
  (request) => coresNeededBy(request.spec),
  (cores) => `${cores} free`,
);
