import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ContainerRecord } from "../../model/container.ts";
import { Status } from "../../model/container-status.ts";
import type { HostMessage } from "../../queue/host-messages.ts";
import { usageOf } from "../../quotas/limits.ts";
import { leaveGroupItems } from "../group-membership.ts";
import { releaseHost } from "../host-claims.ts";
import { keys } from "../keys.ts";
import { NamedTransaction } from "../named-transaction.ts";
import { overdueIndexOf, PENDING_ATTRIBUTES, pendingDeadline } from "../pending-work.ts";
import { negate } from "../quotas.ts";
import { appliedIfConditionHolds } from "../transactions.ts";
import { updateExpression } from "../update-expression.ts";
import type { ContainerTable } from "./container-table.ts";

/**
 * Records what an operation did, only if no newer request has been accepted
 * since (the generation is unchanged) and, for the operation's own writes
 * (`inFlight`, its message), only while its work is unsettled. Returns false
 * for a stale write.
 */
export async function recordOutcome(
  t: ContainerTable,
  uuid: string,
  generation: number,
  changes: Partial<ContainerRecord>,
  inFlight?: HostMessage,
): Promise<boolean> {
  // An operation's last write (it settles its generation) takes the container off the overdue index;
  // any earlier write of the operation's moves its deadline on.
  const settles = changes.settled_generation !== undefined;
  const deadline = !settles && inFlight ? pendingDeadline(inFlight, t.operationTimeoutSeconds) : {};
  const update = updateExpression(
    { ...changes, ...deadline, updated_at: new Date().toISOString() },
    settles ? PENDING_ATTRIBUTES : [],
  );
  return appliedIfConditionHolds(
    t.db,
    new UpdateCommand({
      TableName: t.table,
      Key: keys.container(uuid),
      UpdateExpression: update.expression,
      // An operation writes only while its work is unsettled: once the reconciler has failed it, the host's late writes are dropped.
      ConditionExpression: inFlight
        ? "generation = :generation AND settled_generation < :generation"
        : "generation = :generation",
      ExpressionAttributeNames: update.names,
      ExpressionAttributeValues: { ...update.values, ":generation": generation },
    }),
  );
}

/**
 * Counts one more re-send of overdue work and moves its deadline on, only if
 * nothing moved since it was read: of two reconcilers, one re-sends.
 */
export async function recordRetry(t: ContainerTable, record: ContainerRecord): Promise<boolean> {
  const seen = overdueIndexOf(record).gsi4sk;
  if (!record.pending_message || seen === undefined) return false;
  const retries = (record.pending_retries ?? 0) + 1;
  return appliedIfConditionHolds(
    t.db,
    new UpdateCommand({
      TableName: t.table,
      Key: keys.container(record.uuid),
      UpdateExpression: "SET gsi4sk = :deadline, pending_retries = :retries",
      ConditionExpression: "generation = :generation AND gsi4sk = :seen",
      ExpressionAttributeValues: {
        ":deadline": pendingDeadline(record.pending_message, t.operationTimeoutSeconds).gsi4sk,
        ":retries": retries,
        ":generation": record.generation,
        ":seen": seen,
      },
    }),
  );
}

/**
 * Fails a create that never reached Docker and takes it off its host (Zun's
 * unset_host): Error with the reason, its claim given back to the host and
 * its usage to the quota, in one transaction conditioned on nothing having
 * moved and its work being unsettled, so the claim is given back once.
 * Only for a container without volumes (see failureReleasesClaim).
 */
export async function failUnstarted(t: ContainerTable, record: ContainerRecord, reason: string): Promise<boolean> {
  if (!record.host_id || !record.claim) return false;
  if (record.mounts?.some((mount) => mount.type === "volume"))
    throw new Error("failUnstarted: a container with volumes keeps its claim");
  const update = updateExpression(
    {
      status: Status.Error,
      status_reason: reason,
      task_state: null,
      host_id: null,
      host: null,
      claim: null,
      counts_as_container: true,
      published_ports: null,
      addresses: null,
      settled_generation: record.generation,
      updated_at: new Date().toISOString(),
    },
    ["gsi3pk", "gsi3sk", ...PENDING_ATTRIBUTES],
  );
  const cancelled = await new NamedTransaction<"container" | "release">()
    .add("container", {
      Update: {
        TableName: t.table,
        Key: keys.container(record.uuid),
        UpdateExpression: update.expression,
        ConditionExpression: "generation = :generation AND settled_generation < :generation AND host_id = :host",
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: {
          ...update.values,
          ":generation": record.generation,
          ":host": record.host_id,
        },
      },
    })
    .add(
      "release",
      releaseHost(t.table, record.host_id, record.claim),
      // The record stays, so it keeps holding its one container.
      t.quotas.adjustItem(record.project_id, negate(usageOf(record.claim, 0))),
      ...(record.group_id ? leaveGroupItems(t.table, record.group_id, record.host_id, record.uuid) : []),
    )
    .send(t.db);
  return cancelled === undefined;
}
