import type { Claim, ContainerRecord } from "../../model/container.ts";
import type { Status } from "../../model/container-status.ts";
import type { HostRecord } from "../../model/host.ts";
import type { HostMessage } from "../../queue/host-messages.ts";
import { type ActionRecord, actionPut } from "../actions.ts";
import { adjustHostClaim } from "../host-claims.ts";
import { keys } from "../keys.ts";
import { NamedTransaction, type TransactItem } from "../named-transaction.ts";
import { pendingWork } from "../pending-work.ts";
import { updateExpression } from "../update-expression.ts";
import type { ContainerTable } from "./container-table.ts";

/**
 * Accepts a user request: moves the container to its new state and bumps its
 * generation, only if it is still in one of `from` and no task is running,
 * and records the action in the same transaction; `work` is the message the
 * host is sent, kept on the record until it settles. Returns false when the
 * container changed underneath (the caller re-reads and answers 409).
 */
export async function beginRequest(
  t: ContainerTable,
  record: ContainerRecord,
  from: Status[],
  changes: Partial<ContainerRecord>,
  action: ActionRecord,
  work: HostMessage,
  options: { requireIdle: boolean } = { requireIdle: true },
): Promise<boolean> {
  const update = updateExpression({
    ...changes,
    ...pendingWork(work, t.operationTimeoutSeconds),
    updated_at: new Date().toISOString(),
  });
  const statusValues = Object.fromEntries(from.map((status, index) => [`:from${index}`, status]));
  const idle = options.requireIdle ? " AND attribute_type(task_state, :nullType)" : "";
  const cancelled = await new NamedTransaction<"container" | "action">()
    .add("container", {
      Update: {
        TableName: t.table,
        Key: keys.container(record.uuid),
        UpdateExpression: `${update.expression} ADD generation :one`,
        ConditionExpression: `generation = :generation${idle} AND #status IN (${Object.keys(statusValues).join(", ")})`,
        ExpressionAttributeNames: { ...update.names, "#status": "status" },
        ExpressionAttributeValues: {
          ...update.values,
          ...statusValues,
          ":one": 1,
          ":generation": record.generation,
          ...(options.requireIdle ? { ":nullType": "NULL" } : {}),
        },
      },
    })
    .add("action", actionPut(t.table, action))
    .send(t.db);
  return cancelled === undefined;
}

/**
 * Applies a PATCH atomically: the record's new fields, its name (swapped if it
 * changed), its host claim (grown only if the host still has room) and the
 * action, in one transaction conditioned on the record being unchanged.
 */
export async function applyUpdate(
  t: ContainerTable,
  record: ContainerRecord,
  change: {
    fields: Partial<ContainerRecord>;
    newName?: string;
    claim?: { host: HostRecord; from: Claim; to: Claim };
    quotaItems?: TransactItem[];
    hostWork?: HostMessage;
  },
  allowedIn: readonly Status[],
  action: ActionRecord,
): Promise<"applied" | "changed" | "name_taken" | "host_full" | "quota_changed"> {
  const bumpGeneration = change.hostWork !== undefined;
  const pending = change.hostWork ? pendingWork(change.hostWork, t.operationTimeoutSeconds) : {};
  const update = updateExpression({ ...change.fields, ...pending, updated_at: new Date().toISOString() });
  const statusValues = Object.fromEntries(allowedIn.map((status, index) => [`:from${index}`, status]));
  const containerUpdate: TransactItem = {
    Update: {
      TableName: t.table,
      Key: keys.container(record.uuid),
      UpdateExpression: bumpGeneration ? `${update.expression} ADD generation :one` : update.expression,
      ConditionExpression: `generation = :generation AND attribute_type(task_state, :nullType) AND #status IN (${Object.keys(statusValues).join(", ")})`,
      ExpressionAttributeNames: { ...update.names, "#status": "status" },
      ExpressionAttributeValues: {
        ...update.values,
        ...statusValues,
        ...(bumpGeneration ? { ":one": 1 } : {}),
        ":generation": record.generation,
        ":nullType": "NULL",
      },
    },
  };
  const transaction = new NamedTransaction<"container" | "action" | "name" | "host" | "quota">()
    .add("container", containerUpdate)
    .add("action", actionPut(t.table, action));
  if (change.newName) {
    transaction.add(
      "name",
      {
        Put: {
          TableName: t.table,
          Item: { ...keys.containerName(record.project_id, change.newName), uuid: record.uuid },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      { Delete: { TableName: t.table, Key: keys.containerName(record.project_id, record.name) } },
    );
  }
  if (change.claim)
    transaction.add("host", adjustHostClaim(t.table, change.claim.host, change.claim.from, change.claim.to));
  transaction.add("quota", ...(change.quotaItems ?? []));
  const cancelled = await transaction.send(t.db);
  if (!cancelled) return "applied";
  if (cancelled.failed("name")) return "name_taken";
  if (cancelled.failed("host")) return "host_full";
  if (cancelled.failed("quota")) return "quota_changed";
  return "changed";
}
