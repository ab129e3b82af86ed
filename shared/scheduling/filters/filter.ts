import type { ContainerSpec } from "../../model/container.ts";
import type { GroupRecord } from "../../model/group.ts";
import type { HostRecord } from "../../model/host.ts";
import type { Strategy } from "../weighers/strategies.ts";
import type { Multipliers } from "../weighers/weigher-names.ts";

/** What a placement asks of a host, and how to choose among those that fit. */
export interface PlacementRequest {
  spec: ContainerSpec;
  cpuMillis: number;
  now: number;
  hostDownAfterSeconds: number;
  /** Seeds the shuffle and the subset pick, so a placement can be replayed. */
  requestId: string;
  /** The preset of weigher multipliers. */
  strategy: Strategy;
  /** The deployment's multipliers (BERTH_WEIGHER_<NAME>_MULTIPLIER), over the preset's. */
  multipliers?: Partial<Multipliers>;
  hostSubsetSize: number;
  /** Hosts already tried for this container (a reschedule), skipped by the retry filter. */
  excludedHostIds: readonly string[];
  /** The server group the container joins, as read before placing (its claim checks it again). */
  group?: GroupPlacement;
  /** The host of the existing volumes the container mounts, if any. */
  volumeHostId?: string | null;
  /** The platforms the image is built for, as the hosts that have it say (see chooseCandidates). */
  imagePlatforms?: readonly string[];
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

/** A group's members as placement sees them: the container being placed is not counted. */
export interface GroupPlacement {
  group: GroupRecord;
  membersOnHost: Readonly<Record<string, number>>;
  otherMembers: number;
}
