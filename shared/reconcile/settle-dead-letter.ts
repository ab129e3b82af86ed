import { log } from "../log.ts";
import { Status } from "../model/container-status.ts";
import {
  type AnyHostMessage,
  type CapsuleWork,
  type HostMessage,
  type ImageWork,
  onHostMessage,
} from "../queue/host-messages.ts";
import type { Stores } from "../store/stores.ts";
import { isConditionFailure } from "../store/transactions.ts";
import { failOperation } from "./fail-operation.ts";

export type DeadLetterOutcome = "failed" | "stale" | "image_failed" | "reported";

/**
 * What a message that exhausted its deliveries leaves behind: its container's
 * operation fails (`Error`, the reason, its claims released if it never
 * reached Docker) unless newer work or an outcome has been recorded since;
 * an image pull or delete is marked as failed, and so is a capsule's create
 * or delete (which a new delete may then retry); a volume removal or a query
 * (whose asker stopped waiting long ago) is reported in the log.
 */
export function settleDeadLetter(message: AnyHostMessage, stores: Stores): Promise<DeadLetterOutcome> {
  return onHostMessage(message, {
    container: (work) => failContainerWork(work, stores),
    query: async (query) => reported("a host query was dead-lettered; nobody waits for its answer", query),
    volume: async (removal) =>
      reported("a Docker volume removal was dead-lettered; the volume may remain on its host", removal),
    image: (work) => failImageWork(work, stores),
    session: async (opening) => reported("a session opening was dead-lettered; its client was told long ago", opening),
    capsule: (work) => failCapsuleWork(work, stores),
  });
}

/** An image pull or removal its host could not do is marked as failed, with the reason. */
async function failImageWork(work: ImageWork, stores: Stores): Promise<DeadLetterOutcome> {
  const reason = `${work.kind === "pull_image" ? "the pull" : "the removal"} was dead-lettered: the host could not complete it`;
  try {
    await stores.images.update(work.image_uuid, { status: "error", reason });
    return "image_failed";
  } catch (error) {
    if (isConditionFailure(error)) return "stale";
    throw error;
  }
}

/** A container's operation that no delivery completed fails, unless newer work or an outcome came since. */
async function failContainerWork(work: HostMessage, stores: Stores): Promise<DeadLetterOutcome> {
  const record = await stores.containers.get(work.container_uuid);
  if (!record || record.generation !== work.generation || record.settled_generation >= work.generation) return "stale";
  const reason = `${work.kind} was dead-lettered: the host could not complete it on any delivery`;
  return (await failOperation(record, reason, stores)) ? "failed" : "stale";
}

/** A capsule whose work its host could not do is Error with the reason, its parts and claim kept until it is deleted. */
async function failCapsuleWork(work: CapsuleWork, stores: Stores): Promise<DeadLetterOutcome> {
  const record = await stores.capsules.get(work.capsule_uuid);
  if (!record || record.generation !== work.generation || record.task_state === null) return "stale";
  const reason = `${work.kind} was dead-lettered: the host could not complete it on any delivery`;
  const failed = await stores.capsules.recordProgress(record, {
    status: Status.Error,
    status_reason: reason,
    task_state: null,
  });
  return failed ? "failed" : "stale";
}

/** Logs what the work was, never what it carried: a query's parameters hold users' commands and files. */
function reported(message: string, work: AnyHostMessage): "reported" {
  const { params: _carried, ...identity } = work as AnyHostMessage & { params?: unknown };
  log("error", message, identity);
  return "reported";
}
