import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Identity } from "../auth/identity.ts";
import {
  ConflictError,
  ContainerBusyError,
  ContainerStateConflictError,
  InvalidFieldError,
  NameTakenError,
} from "../errors.ts";
import { type Claim, type ContainerRecord, claimOf } from "../model/container.ts";
import { allowedStatuses } from "../model/lifecycle.ts";
import { type HostMessage, sendToHost } from "../queue/host-messages.ts";
import type { QuotaUsage } from "../quotas/limits.ts";
import { QuotaGuard } from "../quotas/quota-guard.ts";
import { newAction } from "../store/actions.ts";
import type { Stores } from "../store/stores.ts";
import type { ContainerUpdate } from "./validate-update.ts";

/**
 * Changes a container's cpu, memory, name or auto_heal. A resource change moves
 * the host's claim in the same transaction, refusing with 409 when the host has
 * no room, and is then applied to the Docker container by its host.
 */
export async function updateContainer(
  record: ContainerRecord,
  update: ContainerUpdate,
  actionName: string,
  who: { caller: Identity; requestId: string },
  stores: Stores,
  sqs: SQSClient,
): Promise<ContainerRecord> {
  const allowedIn = allowedStatuses("update");
  if (!allowedIn.includes(record.status)) throw new ContainerStateConflictError(actionName, record.status, record.uuid);
  if (record.task_state) throw new ContainerBusyError(record.uuid, record.task_state);

  if (record.cpu_policy === "dedicated" && update.cpu !== undefined && update.cpu !== record.cpu)
    throw new InvalidFieldError("cpu", "a container with cpu_policy dedicated keeps the cores it is pinned to");
  const fields: Partial<ContainerRecord> = {};
  const resized =
    (update.cpu !== undefined && update.cpu !== record.cpu) ||
    (update.memory !== undefined && update.memory !== record.memory);
  let claim:
    | {
        host: NonNullable<Awaited<ReturnType<Stores["hosts"]["get"]>>>;
        from: NonNullable<ContainerRecord["claim"]>;
        to: NonNullable<ContainerRecord["claim"]>;
      }
    | undefined;
  if (resized) {
    fields.cpu = update.cpu ?? record.cpu;
    fields.memory = update.memory ?? record.memory;
    fields.claim = claimOf({
      cpu: fields.cpu,
      memory: fields.memory,
      disk: record.disk,
      exposed_ports: record.exposed_ports,
    });
    // A memory resize keeps the cores the container is pinned to.
    if (record.claim?.cores) fields.claim.cores = record.claim.cores;
    const host = record.host_id && record.claim ? await stores.hosts.get(record.host_id) : undefined;
    if (host && record.claim) claim = { host, from: record.claim, to: fields.claim };
  }
  const newName = update.name !== undefined && update.name !== record.name ? update.name : undefined;
  if (newName) fields.name = newName;
  if (update.auto_heal !== undefined) fields.auto_heal = update.auto_heal;

  const now = new Date().toISOString();
  const action = newAction(
    {
      action: actionName,
      container_uuid: record.uuid,
      request_id: who.requestId,
      user_id: who.caller.userId,
      project_id: who.caller.projectId,
    },
    now,
  );
  const needsHost = resized && record.host_id !== null;
  const quota = claim
    ? await QuotaGuard.check(stores.quotas, record.project_id, usageChange(claim.from, claim.to))
    : undefined;
  const hostWork: HostMessage | undefined = needsHost
    ? { kind: "update", container_uuid: record.uuid, generation: record.generation + 1, request_id: who.requestId }
    : undefined;
  const outcome = await stores.containers.applyUpdate(
    record,
    { fields, newName, claim, quotaItems: quota?.items, hostWork },
    allowedIn,
    action,
  );
  if (outcome === "quota_changed") {
    await quota!.refresh();
    throw new ConflictError(
      `The quota of project ${record.project_id} changed while the update was being applied; try again.`,
      "concurrent_update",
    );
  }
  if (outcome === "name_taken") throw new NameTakenError(newName!);
  if (outcome === "host_full") {
    throw new ConflictError(
      `Host ${claim!.host.hostname} has no room to resize container ${record.uuid} to cpu ${fields.cpu} and memory ${fields.memory} MiB.`,
      "insufficient_host_resources",
    );
  }
  if (outcome === "changed") {
    const current = await stores.containers.get(record.uuid);
    if (current?.task_state) throw new ContainerBusyError(record.uuid, current.task_state);
    if (current && !allowedIn.includes(current.status))
      throw new ContainerStateConflictError(actionName, current.status, record.uuid);
    throw new ConflictError(
      `Container ${record.uuid} changed while the update was being applied; try again.`,
      "concurrent_update",
    );
  }

  const updated = { ...record, ...fields, generation: record.generation + (needsHost ? 1 : 0), updated_at: now };
  if (hostWork) {
    const host = claim?.host ?? (await stores.hosts.get(record.host_id!));
    if (host) await sendToHost(sqs, host.queue_url, hostWork);
  } else {
    await stores.actions.record(
      record.uuid,
      who.requestId,
      { event: "api__update", start_time: now, finish_time: now, result: "Success", traceback: null },
      { message: null },
    );
  }
  return updated;
}

function usageChange(from: Claim, to: Claim): QuotaUsage {
  return {
    containers: 0,
    cpuMillis: to.cpuMillis - from.cpuMillis,
    memory: to.memory - from.memory,
    disk: to.disk - from.disk,
  };
}
