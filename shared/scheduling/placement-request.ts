import type { BerthConfig } from "../config.ts";
import type { ContainerRecord } from "../containers/record.ts";
import type { ContainerStore } from "../store/containers.ts";
import type { PlacementRequest } from "./filters/filter.ts";
import { GROUP_HINT } from "./filters/group-affinity.ts";
import { isStrategy, STRATEGIES } from "./weighers/strategies.ts";

/**
 * What placing a container asks of the hosts: its spec and size, the
 * deployment's (or its hints') strategy, where its group already runs, and
 * the hosts it must not go back to (a reschedule off a dead host).
 */
export async function placementRequestFor(
  record: ContainerRecord,
  config: Pick<BerthConfig, "placementStrategy" | "hostDownAfterSeconds" | "hostSubsetSize">,
  requestId: string,
  containers: ContainerStore,
  excludedHostIds: readonly string[] = [],
): Promise<PlacementRequest> {
  const strategy = record.hints.strategy ?? config.placementStrategy;
  if (!isStrategy(strategy))
    throw new Error(
      `configuration: BERTH_PLACEMENT_STRATEGY ${strategy} is not one of ${Object.keys(STRATEGIES).join(", ")}`,
    );
  const group = record.hints[GROUP_HINT];
  const groupHostIds = group
    ? [
        ...new Set(
          (await containers.listByProject(record.project_id))
            .filter((c) => c.uuid !== record.uuid && c.hints?.[GROUP_HINT] === group && c.host_id)
            .map((c) => c.host_id!),
        ),
      ]
    : [];
  return {
    spec: record,
    cpuMillis: record.claim!.cpuMillis,
    now: Date.now(),
    hostDownAfterSeconds: config.hostDownAfterSeconds,
    requestId,
    strategy,
    hostSubsetSize: config.hostSubsetSize,
    excludedHostIds,
    groupHostIds,
  };
}
