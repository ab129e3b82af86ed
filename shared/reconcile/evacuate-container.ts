import { log } from "../log.ts";
import type { ContainerRecord } from "../model/container.ts";
import { Status } from "../model/container-status.ts";
import type { HostRecord } from "../model/host.ts";
import { sendToHost } from "../queue/host-messages.ts";
import type { ReconcileContext } from "./context.ts";
import { finishPendingAction } from "./fail-operation.ts";
import { rescheduleContainer } from "./reschedule-container.ts";

export type Evacuation = "rescheduled" | "marked_unknown" | "deleted" | "unchanged";

/**
 * Decides what becomes of a container whose host is down (or gone):
 * - a delete in flight completes in the records (claims released); the host
 *   removes the Docker container and volumes when it returns;
 * - an `auto_heal` container without volumes is rescheduled onto another host;
 * - every other one becomes `Unknown`, saying why (and, for `auto_heal`, why it
 *   was not moved: its volumes live only on that host, or no host fits).
 * Its in-flight work is settled, so the returning host does not run it; the
 * host's sync then records what Docker really has.
 */
export async function evacuateContainer(
  record: ContainerRecord,
  host: HostRecord | undefined,
  context: ReconcileContext,
): Promise<Evacuation> {
  const { stores } = context;
  const unsettled = record.settled_generation < record.generation;
  const why = host
    ? `host ${host.hostname} is down${host.forced_down ? " (forced down by an admin)" : ` (no heartbeat for ${Math.round((context.now - host.heartbeat_at) / 1000)} s)`}`
    : `host ${record.host ?? record.host_id} is gone`;

  if (unsettled && record.pending_message?.kind === "delete") {
    const { released, deletedVolumes } = await stores.containers.removeAndRelease(record);
    if (!released) return "unchanged";
    for (const volume of deletedVolumes) {
      if (host)
        await sendToHost(context.sqs, host.queue_url, {
          kind: "delete_volume",
          volume_uuid: volume,
          request_id: `reconcile-${record.uuid}-${volume}`,
        });
    }
    await finishPendingAction(
      record,
      context.stores,
      "Success",
      `${why}: deleted in the records; the host removes what is left when it returns`,
    );
    await stores.containers.forgetActionsOfDeleted(record.uuid);
    return "deleted";
  }
  if (!unsettled && (record.status === Status.Unknown || record.status === Status.Error)) return "unchanged";

  let reason = why;
  if (record.auto_heal) {
    const volumes = (record.mounts ?? []).flatMap((mount) => (mount.type === "volume" ? [mount.volume_uuid] : []));
    if (volumes.length === 0) {
      const outcome = await rescheduleContainer(
        record,
        host ?? { id: record.host_id!, hostname: record.host ?? record.host_id! },
        context,
      );
      if (outcome.moved) {
        log("info", "reconcile: rescheduled a container off a dead host", {
          container: record.uuid,
          from: record.host_id,
          to: outcome.host.id,
        });
        return "rescheduled";
      }
      reason = `${why}; not rescheduled: ${outcome.reason}`;
    } else {
      reason = `${why}; not rescheduled: its volumes ${volumes.join(", ")} live only on that host`;
    }
  }
  const marked = await stores.containers.recordOutcome(record.uuid, record.generation, {
    status: Status.Unknown,
    status_before_unknown: record.status,
    status_reason: reason,
    task_state: null,
    settled_generation: record.generation,
  });
  if (!marked) return "unchanged";
  if (unsettled) await finishPendingAction(record, context.stores, "Error", reason);
  return "marked_unknown";
}
