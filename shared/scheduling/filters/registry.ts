import { computeFilter } from "./compute.ts";
import type { HostFilter } from "./filter.ts";
import { groupAffinityFilter } from "./group-affinity.ts";
import { availabilityZoneFilter, labelFilter, requestedHostFilter } from "./placement-constraints.ts";
import { platformFilter } from "./platform.ts";
import { cpuFilter, dedicatedCoresFilter, diskFilter, memoryFilter, portsFilter } from "./resources.ts";
import { retryFilter } from "./retry.ts";
import { runtimeFilter } from "./runtime.ts";
import { volumeLocalityFilter } from "./volume-locality.ts";

/** Every filter, cheapest first. A host is a candidate when it passes all of them. */
export const FILTERS: readonly HostFilter[] = [
  computeFilter,
  retryFilter,
  requestedHostFilter,
  volumeLocalityFilter,
  availabilityZoneFilter,
  runtimeFilter,
  platformFilter,
  labelFilter,
  groupAffinityFilter,
  // Before cpu: a dedicated container short of cores is told so, not only that cpu is short.
  dedicatedCoresFilter,
  cpuFilter,
  memoryFilter,
  diskFilter,
  portsFilter,
];
