import type { Identity } from "../auth/identity.ts";
import { authorize } from "../auth/policy.ts";
import { InvalidFieldError } from "../errors.ts";
import type { HostFilter, PlacementRequest } from "./filters/filter.ts";
import { groupAffinityFilter } from "./filters/group-affinity.ts";
import { availabilityZoneFilter, labelFilter } from "./filters/placement-constraints.ts";
import { FILTERS } from "./filters/registry.ts";
import { retryFilter } from "./filters/retry.ts";

/** Nova's `availability_zone` read whole: `zone`, `zone:host`, `zone:host:node`, `:host`, `zone::node`. */
export interface AvailabilityZoneRequest {
  zone: string | null;
  /** The host part (or the node part alone: a Docker host is its own only node). */
  forcedHost: string | null;
}

/**
 * Splits `availability_zone` as Nova's `parse_availability_zone` does. A host
 * part forces the host, which only an admin may do (Nova's `forced_host`
 * policy); a node part must name the same host, since each Docker host is one
 * node.
 */
export function parseAvailabilityZone(
  value: string | null,
  options: { caller: Identity; requestedHost: string | null },
): AvailabilityZoneRequest {
  if (value === null || !value.includes(":")) return { zone: value, forcedHost: null };
  const [zone = "", host = "", ...rest] = value.split(":");
  const node = rest.join(":");
  authorize(options.caller, "container:create:forced_host");
  if (host && node && host !== node)
    throw new InvalidFieldError(
      "availability_zone",
      `names host ${host} and node ${node}: a Docker host is its own only node`,
    );
  const forcedHost = host || node;
  if (!forcedHost) throw new InvalidFieldError("availability_zone", "names neither a host nor a node after the zone");
  if (options.requestedHost !== null && options.requestedHost !== forcedHost)
    throw new InvalidFieldError(
      "availability_zone",
      `forces host ${forcedHost}, but field host asks for ${options.requestedHost}`,
    );
  return { zone: zone || null, forcedHost };
}

/**
 * What Nova skips for a forced host: the filters that express where the
 * container would prefer to be (zone, labels, group, hosts already tried).
 * The ones that say whether it can run there at all (the host is up, has the
 * runtime, the room and the ports, holds its volumes) still apply, since the
 * claim could not succeed without them.
 */
export const FILTERS_A_FORCED_HOST_SKIPS: readonly HostFilter[] = [
  retryFilter,
  availabilityZoneFilter,
  labelFilter,
  groupAffinityFilter,
];

export function filtersFor(request: PlacementRequest): readonly HostFilter[] {
  if (!request.spec.forced_host) return FILTERS;
  return FILTERS.filter((filter) => !FILTERS_A_FORCED_HOST_SKIPS.includes(filter));
}
