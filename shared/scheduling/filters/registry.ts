import type { HostFilter } from "./filter.ts";
import { computeFilter } from "./compute.ts";
import { availabilityZoneFilter, labelFilter, requestedHostFilter } from "./placement-constraints.ts";
import { cpuFilter, diskFilter, memoryFilter } from "./resources.ts";

/** Every filter, cheapest first. A host is a candidate when it passes all of them. */
export const FILTERS: readonly HostFilter[] = [
  computeFilter,
  requestedHostFilter,
  availabilityZoneFilter,
  labelFilter,
  cpuFilter,
  memoryFilter,
  diskFilter,
];
