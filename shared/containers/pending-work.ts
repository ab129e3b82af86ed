import type { HostMessage } from "../queue/host-messages.ts";
import { keys } from "../store/keys.ts";

/**
 * What a container record carries while a request's work is in flight: the
 * message that asked for it (so it can be sent again) and its place in the
 * sparse overdue index. The fields exist from the moment a request is accepted
 * until its operation settles; the reconciler reads only the overdue ones.
 */
export interface PendingWork {
  gsi4pk: string;
  gsi4sk: string;
  pending_message: HostMessage;
  /** How many times the reconciler has sent the message again. */
  pending_retries: number;
}

/** Re-sends the reconciler makes before it fails an operation that does not move. */
export const MAX_OPERATION_RETRIES = 2;

/** An operation's own time: the deployment's timeout plus whatever the request lets Docker wait (stop's timeout). */
export function operationTimeoutMs(message: Pick<HostMessage, "timeout">, timeoutSeconds: number): number {
  return (timeoutSeconds + (message.timeout ?? 0)) * 1000;
}

/** The fields that mark a container's work as in flight until it is overdue. */
export function pendingWork(message: HostMessage, timeoutSeconds: number, retries = 0, now = Date.now()): PendingWork {
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
): Pick<PendingWork, "gsi4sk"> {
  return {
    gsi4sk: keys.pendingUntil(now + operationTimeoutMs(message, timeoutSeconds), message.container_uuid).gsi4sk,
  };
}

/** The attributes a settled operation removes. */
export const PENDING_ATTRIBUTES = ["gsi4pk", "gsi4sk", "pending_message", "pending_retries"] as const;
