import { log } from "../log.ts";
import type { ContainerRecord } from "../model/container.ts";
import { Status } from "../model/container-status.ts";
import type { HostMessage } from "../queue/host-messages.ts";
import type { ActionEvent, ActionResult } from "../store/actions.ts";
import type { Stores } from "../store/stores.ts";

/** What failing an operation writes: the container and its action log. */
export type FailureStores = Pick<Stores, "containers" | "actions">;

/**
 * Whether failing this work takes the container off its host, giving back
 * its claim and quota usage (Zun's unset_host and claim abort): a create
 * whose Docker container is not recorded. A container that mounts volumes
 * keeps its claim: the volumes live on that host, and the disk they hold and
 * their attachment are given back only when the container is deleted there.
 */
export function failureReleasesClaim(record: ContainerRecord, work: HostMessage | undefined): boolean {
  return (
    work?.kind === "create" &&
    !record.container_id &&
    !!record.host_id &&
    !!record.claim &&
    !(record.mounts ?? []).some((mount) => mount.type === "volume")
  );
}

export interface FailureContext {
  /** The work being failed; by default the work the record has in flight. */
  work?: HostMessage;
  /** When the failed work began (its event's start), for a host that was doing it. */
  startedAt?: string;
  /** Fields learnt during the work, written with the failure (e.g. the Docker id of a container it made). */
  changes?: Partial<ContainerRecord>;
}

/**
 * Ends a container's in-flight operation that will not finish — failed on its
 * host, overdue after its re-sends, or dead-lettered: the container becomes
 * `Error` with the reason and the action log says so. A create Docker never
 * had (see failureReleasesClaim) is also taken off its host in the same
 * transaction; a Docker container it may have made unrecorded is removed by
 * that host's sweep of copies its records no longer place there. Each write is
 * conditional on the generation and its work being unsettled, so of two that
 * try (the host and the reconciler), one fails it, once.
 */
export async function failOperation(
  record: ContainerRecord,
  reason: string,
  stores: FailureStores,
  context: FailureContext = {},
): Promise<boolean> {
  const work = context.work ?? record.pending_message;
  const released = failureReleasesClaim({ ...record, ...context.changes }, work);
  const failed = released
    ? await stores.containers.failUnstarted(record, reason)
    : await stores.containers.recordOutcome(
        record.uuid,
        record.generation,
        {
          ...context.changes,
          status: Status.Error,
          status_reason: reason,
          task_state: null,
          settled_generation: record.generation,
        },
        work,
      );
  if (!failed) return false;
  log("warn", "failed an operation that could not finish", {
    request_id: work?.request_id,
    container: record.uuid,
    kind: work?.kind,
    reason,
    released_claim_on: released ? record.host : undefined,
  });
  await finishAction(record, stores, work, "Error", reason, {
    startedAt: context.startedAt,
    details: released ? { released_claim_on: record.host } : undefined,
  });
  return true;
}

/** Ends the action of the work a container had in flight, as the reconciler settled it. */
export async function finishPendingAction(
  record: ContainerRecord,
  stores: FailureStores,
  result: ActionResult,
  message: string,
): Promise<void> {
  await finishAction(record, stores, record.pending_message, result, message);
}

async function finishAction(
  record: ContainerRecord,
  stores: FailureStores,
  work: HostMessage | undefined,
  result: ActionResult,
  message: string,
  extra: { startedAt?: string; details?: ActionEvent["details"] } = {},
): Promise<void> {
  if (!work) return;
  const now = new Date().toISOString();
  const event: ActionEvent = {
    event: `compute__do_container_${work.kind}`,
    start_time: extra.startedAt ?? now,
    finish_time: now,
    result,
    traceback: result === "Error" ? message : null,
  };
  if (extra.details) event.details = extra.details;
  await stores.actions
    .record(record.uuid, work.request_id, event, { message })
    .catch((error) => log("warn", "could not record the action event", { request_id: work.request_id, error }));
}
