import { log } from "../../shared/log.ts";
import type { ContainerRecord } from "../../shared/model/container.ts";
import { Status } from "../../shared/model/container-status.ts";
import { followsDocker } from "../../shared/model/lifecycle.ts";
import type { ContainerStore } from "../../shared/store/containers.ts";
import { dockerIdOf } from "./docker/container-name.ts";
import type { DockerPort } from "./docker/docker-port.ts";
import { isPlacedHere } from "./is-placed-here.ts";
import { observedChanges } from "./observe-container.ts";

/** The container store's writes a sync makes, and no more. */
export type SyncWrites = {
  containers: Pick<ContainerStore, "recordOutcome" | "removeAndRelease" | "forgetActionsOfDeleted">;
};

/** What to do with a container whose Docker container has vanished and that asked to be healed. */
export type Healer = (record: ContainerRecord) => Promise<void>;

/**
 * Brings a settled container's record in line with Docker (Zun's
 * sync_container_state), each write conditional on no request having been
 * accepted since it was read. A Docker container that has gone is, by the
 * record's wishes: removed with its claims (auto_remove), rebuilt (auto_heal),
 * or recorded as `Error: No such container`. A record not placed on `hostId`
 * is left alone: this host's Docker says nothing about a container elsewhere.
 * Returns the record as it now stands.
 */
export async function syncStatusFromDocker(
  record: ContainerRecord,
  hostId: string,
  docker: DockerPort,
  stores: SyncWrites,
  heal?: Healer,
): Promise<ContainerRecord> {
  if (!isPlacedHere(record, hostId)) return record;
  if (record.task_state || record.settled_generation < record.generation || !followsDocker(record.status))
    return record;
  const inspected = await docker.inspect(dockerIdOf(record));
  if (!inspected) return containerIsMissing(record, stores, heal);
  const changes = observedChanges(record, inspected);
  if (Object.keys(changes).length === 0) return record;
  const written = await stores.containers.recordOutcome(record.uuid, record.generation, changes);
  return written ? { ...record, ...changes } : record;
}

async function containerIsMissing(
  record: ContainerRecord,
  stores: SyncWrites,
  heal?: Healer,
): Promise<ContainerRecord> {
  if (record.auto_remove) {
    if ((await stores.containers.removeAndRelease(record)).released)
      log("info", "auto_remove: the container is gone from Docker, so from Berth too", { container: record.uuid });
    await stores.containers.forgetActionsOfDeleted(record.uuid);
    return { ...record, status: Status.Deleted };
  }
  if (record.auto_heal && heal) {
    await heal(record);
    return record;
  }
  const changes = { status: Status.Error, status_reason: "No such container" } as const;
  return (await stores.containers.recordOutcome(record.uuid, record.generation, changes))
    ? { ...record, ...changes }
    : record;
}
