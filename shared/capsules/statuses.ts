import type { CapsuleRecord } from "../model/capsule.ts";
import { Status } from "../model/container-status.ts";

/**
 * A capsule's status, derived from its containers' (Zun's capsule statuses):
 * Deleting once a delete is accepted; Error if any container failed; Creating
 * until every init container has finished and every container has started;
 * Running while any regular container runs (or is being restarted by its
 * restart policy); otherwise Stopped.
 */
export function capsuleStatusOf(
  capsule: Pick<CapsuleRecord, "task_state" | "init_containers" | "containers" | "status">,
): Status {
  if (capsule.task_state === "deleting") return Status.Deleting;
  const members = [...capsule.init_containers, ...capsule.containers];
  if (capsule.status === Status.Error || members.some((member) => member.status === Status.Error)) return Status.Error;
  if (
    capsule.init_containers.some((member) => member.status !== Status.Stopped) ||
    capsule.containers.some((member) => member.status === Status.Creating || member.status === Status.Created)
  )
    return Status.Creating;
  if (capsule.containers.some((member) => member.status === Status.Running || member.status === Status.Restarting))
    return Status.Running;
  return Status.Stopped;
}
