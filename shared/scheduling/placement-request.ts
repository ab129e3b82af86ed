import type { BerthConfig } from "../config.ts";
import type { ContainerRecord } from "../model/container.ts";
import type { GroupState, GroupStore } from "../store/groups.ts";
import type { GroupPlacement, PlacementRequest } from "./filters/filter.ts";
import { isStrategy, STRATEGIES } from "./weighers/strategies.ts";

/**
 * What placing a container asks of the hosts: its spec and size, the
 * deployment's (or its hints') strategy, its server group's members per host, and
 * the hosts it must not go back to (a reschedule off a dead host).
 */
export async function placementRequestFor(
  record: ContainerRecord,
  config: Pick<BerthConfig, "placementStrategy" | "weigherMultipliers" | "hostDownAfterSeconds" | "hostSubsetSize">,
  requestId: string,
  groups: GroupStore,
  excludedHostIds: readonly string[] = [],
  /** The group as the caller just read it, saving a read. */
  groupState?: GroupState,
): Promise<PlacementRequest> {
  const strategy = record.hints.strategy ?? config.placementStrategy;
  if (!isStrategy(strategy))
    throw new Error(
      `configuration: BERTH_PLACEMENT_STRATEGY ${strategy} is not one of ${Object.keys(STRATEGIES).join(", ")}`,
    );
  const group = record.group_id ? await groupPlacementOf(record, groups, groupState) : undefined;
  return {
    spec: record,
    cpuMillis: record.claim!.cpuMillis,
    now: Date.now(),
    hostDownAfterSeconds: config.hostDownAfterSeconds,
    requestId,
    strategy,
    multipliers: config.weigherMultipliers,
    hostSubsetSize: config.hostSubsetSize,
    excludedHostIds,
    ...(group ? { group } : {}),
  };
}

/** The container's server group as placement sees it (read again unless `known` is it). */
export async function groupPlacementOf(
  record: ContainerRecord,
  groups: GroupStore,
  known?: GroupState,
): Promise<GroupPlacement> {
  const state = known?.group.uuid === record.group_id ? known : await groups.state(record.group_id!);
  if (!state) throw new Error(`server group ${record.group_id} of container ${record.uuid} is gone`);
  const membersOnHost = { ...state.membersOnHost };
  const isMember = state.group.members?.has(record.uuid) ?? false;
  // A member being moved (a reschedule) does not count against the hosts it may move to.
  if (isMember && record.host_id && membersOnHost[record.host_id]) membersOnHost[record.host_id]! -= 1;
  return { group: state.group, membersOnHost, otherMembers: (state.group.members?.size ?? 0) - (isMember ? 1 : 0) };
}
