import type { ContainerRecord } from "../containers/record.ts";
import { Status } from "../containers/statuses.ts";
import { log } from "../log.ts";
import type { Stores } from "../store/stores.ts";

/**
 * Ends a container's in-flight operation that will not finish (overdue after
 * its re-sends, or dead-lettered): the container becomes `Error` with the
 * reason and the action log says so. A create with no Docker container
 * recorded is also taken off its host, giving back its claim and quota usage
 * (unless it made volumes, which keep theirs until the container is deleted);
 * a Docker container it may have made unrecorded is removed by that host's
 * sweep of copies its records no longer place there. Each write is
 * conditional on the generation, so of two that try, one fails it.
 */
export async function failOperation(record: ContainerRecord, reason: string, stores: Stores): Promise<boolean> {
  const work = record.pending_message;
  const unstarted = work?.kind === "create" && !record.container_id && !(record.mounts ?? []).some((mount) => mount.type === "volume");
  const failed = unstarted
    ? await stores.containers.failUnstarted(record, reason)
    : await stores.containers.recordOutcome(record.uuid, record.generation, {
        status: Status.Error,
        status_reason: reason,
        task_state: null,
        settled_generation: record.generation,
      });
  if (!failed) return false;
  log("warn", "reconcile: failed an operation that could not finish", { container: record.uuid, kind: work?.kind, reason, released: unstarted });
  await finishPendingAction(record, stores, "Error", reason);
  return true;
}

/** Ends the action of the work a container had in flight, as the reconciler settled it. */
export async function finishPendingAction(record: ContainerRecord, stores: Stores, result: "Success" | "Error", message: string): Promise<void> {
  const work = record.pending_message;
  if (!work) return;
  const now = new Date().toISOString();
  await stores.actions
    .record(record.uuid, work.request_id, { event: `compute__do_container_${work.kind}`, start_time: now, finish_time: now, result, traceback: result === "Error" ? message : null }, { message })
    .catch((error) => log("warn", "could not record the action event", { request_id: work.request_id, error }));
}
