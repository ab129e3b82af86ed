import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Identity } from "../auth/identity.ts";
import { ConflictError, ContainerBusyError, ContainerStateConflictError } from "../errors.ts";
import type { ContainerRecord } from "../model/container.ts";
import type { Status } from "../model/container-status.ts";
import { type HostMessage, sendToHost } from "../queue/host-messages.ts";
import { newAction } from "../store/actions.ts";
import type { Stores } from "../store/stores.ts";

export interface ContainerRequest {
  /** Zun's action name, as the action log shows it. */
  action: string;
  allowedIn: readonly Status[];
  /** What the record says while the host works on it. */
  changes: Partial<ContainerRecord>;
  message: Pick<HostMessage, "kind" | "timeout" | "run" | "signal" | "stop">;
  /** An admin's force: accepted even while another operation is under way. */
  evenIfBusy?: boolean;
}

/**
 * Accepts a request against a placed container: checks its state, moves it on
 * and records the action atomically, then hands the work to its host's queue.
 */
export async function submitContainerRequest(
  record: ContainerRecord,
  request: ContainerRequest,
  who: { caller: Identity; requestId: string },
  stores: Stores,
  sqs: SQSClient,
): Promise<ContainerRecord> {
  assertAccepts(record, request);
  const host = record.host_id ? await stores.hosts.get(record.host_id) : undefined;
  if (!host)
    throw new ConflictError(
      `Container ${record.uuid} has no host to ${request.action} it on (status ${record.status}).`,
      "no_host",
    );
  const action = newAction(
    {
      action: request.action,
      container_uuid: record.uuid,
      request_id: who.requestId,
      user_id: who.caller.userId,
      project_id: who.caller.projectId,
    },
    new Date().toISOString(),
  );
  const work: HostMessage = {
    ...request.message,
    container_uuid: record.uuid,
    generation: record.generation + 1,
    request_id: who.requestId,
  };
  const accepted = await stores.containers.beginRequest(record, [...request.allowedIn], request.changes, action, work, {
    requireIdle: !request.evenIfBusy,
  });
  if (!accepted) {
    const current = await stores.containers.get(record.uuid);
    if (current) assertAccepts(current, request);
    throw new ConflictError(
      `Container ${record.uuid} changed while the request was being accepted; try again.`,
      "concurrent_update",
    );
  }
  await sendToHost(sqs, host.queue_url, work);
  return { ...record, ...request.changes, generation: work.generation };
}

function assertAccepts(record: ContainerRecord, request: ContainerRequest): void {
  if (!request.allowedIn.includes(record.status))
    throw new ContainerStateConflictError(request.action, record.status, record.uuid);
  if (record.task_state && !request.evenIfBusy) throw new ContainerBusyError(record.uuid, record.task_state);
}
