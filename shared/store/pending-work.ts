import type { ContainerRecord, PendingWork } from "../model/container.ts";
import type { HostMessage } from "../queue/host-messages.ts";
import { keys } from "./keys.ts";

/**
 * What the store writes with a container's pending work: the work itself and
 * its place in the sparse overdue index (an index attribute, never part of the
 * domain record); the reconciler reads only the overdue ones.
 */
export interface PendingItem extends PendingWork {
  gsi4pk: string;
  gsi4sk: string;
}

/** Re-sends the reconciler makes before it fails an operation that does not move. */
export const MAX_OPERATION_RETRIES = 2;

/** An operation's own time: the deployment's timeout plus whatever the request lets Docker wait (stop's timeout). */
export function operationTimeoutMs(message: Pick<HostMessage, "timeout">, timeoutSeconds: number): number {
  return (timeoutSeconds + (message.timeout ?? 0)) * 1000;
}

/** The fields that mark a container's work as in flight until it is overdue. */
export function pendingWork(message: HostMessage, timeoutSeconds: number, retries = 0, now = Date.now()): PendingItem {
  return {
    ...keys.pendingUntil(now + operationTimeoutMs(message, timeoutSeconds), message.container_uuid),
    pending_message: message,
    pending_retries: retries,
  };
}

/** Moves an in-flight operation's deadline on: its task state just moved. */
export function pendingDeadline(
  message: HostMessage,
  timeoutSeconds: number,
  now = Date.now(),
): Pick<PendingItem, "gsi4sk"> {
  return {
    gsi4sk: keys.pendingUntil(now + operationTimeoutMs(message, timeoutSeconds), message.container_uuid).gsi4sk,
  };
}

/** The attributes a settled operation removes. */
export const PENDING_ATTRIBUTES = ["gsi4pk", "gsi4sk", "pending_message", "pending_retries"] as const;

/**
 * Where a container read from the table stands in the overdue index: the
 * store reads the item whole, index attributes too, though the domain record
 * does not name them.
 */
export function overdueIndexOf(record: ContainerRecord): Partial<Pick<PendingItem, "gsi4pk" | "gsi4sk">> {
  const { gsi4pk, gsi4sk } = record as ContainerRecord & Partial<PendingItem>;
  return { gsi4pk, gsi4sk };
}
