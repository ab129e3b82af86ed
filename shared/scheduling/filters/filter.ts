import type { ContainerSpec } from "../../containers/record.ts";
import type { HostRecord } from "../../hosts/record.ts";

/** What a placement asks of a host. */
export interface PlacementRequest {
  spec: ContainerSpec;
  cpuMillis: number;
  now: number;
  hostDownAfterSeconds: number;
}

/**
 * A filter is a pure check of one host against one request. `explain` sums up
 * the hosts it rejected in one phrase for the "no valid host" reason.
 */
export interface HostFilter {
  name: string;
  passes(host: HostRecord, request: PlacementRequest): boolean;
  explain(rejected: HostRecord[], request: PlacementRequest): string;
}
