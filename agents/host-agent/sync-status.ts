import type { ContainerRecord } from "../../shared/containers/record.ts";
import { Status, statusFromDockerState } from "../../shared/containers/statuses.ts";
import type { Stores } from "../../shared/store/stores.ts";
import type { DockerDriver } from "./docker-driver.ts";

/** Statuses Docker's state may overwrite; the others belong to an operation or carry a failure's reason. */
const FOLLOWS_DOCKER = new Set<string>([Status.Created, Status.Running, Status.Stopped, Status.Paused, Status.Restarting, Status.Dead, Status.Unknown]);

/**
 * Brings a settled container's recorded status in line with what Docker says,
 * conditional on no request having been accepted since it was read.
 * Returns the record as it now stands.
 */
export async function syncStatusFromDocker(record: ContainerRecord, docker: DockerDriver, stores: Stores): Promise<ContainerRecord> {
  if (record.task_state || record.settled_generation < record.generation || !FOLLOWS_DOCKER.has(record.status)) return record;
  const inspected = await docker.inspect(record.container_id ?? `berth-${record.uuid}`);
  const changes: Partial<ContainerRecord> = inspected
    ? { status: statusFromDockerState(inspected.State) }
    : { status: Status.Error, status_reason: "No such container" };
  if (inspected && changes.status === Status.Stopped && record.status !== Status.Stopped) {
    changes.status_reason = `exited with code ${inspected.State.ExitCode}${inspected.State.OOMKilled ? " (out of memory)" : ""}`;
  }
  if (changes.status === record.status) return record;
  const written = await stores.containers.recordOutcome(record.uuid, record.generation, changes);
  return written ? { ...record, ...changes } : record;
}
