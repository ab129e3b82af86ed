import { claimOnHost } from "../../hosts/pinned-cores.ts";
import type { ContainerRecord } from "../../model/container.ts";
import { Status } from "../../model/container-status.ts";
import type { GroupRecord } from "../../model/group.ts";
import type { HostRecord } from "../../model/host.ts";
import type { HostMessage } from "../../queue/host-messages.ts";
import { type ActionEvents, type ActionRecord, actionItem } from "../actions.ts";
import { moveInGroupItems } from "../group-membership.ts";
import { type ClaimOutcome, claimHost, releaseHost } from "../host-claims.ts";
import { keys } from "../keys.ts";
import { NamedTransaction } from "../named-transaction.ts";
import { pendingWork } from "../pending-work.ts";
import { updateExpression } from "../update-expression.ts";
import type { ContainerTable } from "./container-table.ts";

/**
 * Moves a container off its host (one that died, or one its create failed on) onto `host`, in one transaction:
 * the record (a new generation, Creating again, no Docker container yet,
 * `create` as its work, no requested host any more), the claim taken on the
 * new host and given back on the old one (its place in `group` with it), and the action. The quota does not
 * change: the container is the same. "changed" means the container moved on meanwhile.
 */
export async function moveToHost(
  t: ContainerTable,
  record: ContainerRecord,
  host: HostRecord,
  action: ActionRecord | ActionEvents,
  create: HostMessage,
  reason: string,
  group?: GroupRecord,
  /** Anything else the move records (the hosts a create already failed on). */
  changes: Partial<ContainerRecord> = {},
): Promise<ClaimOutcome | "changed"> {
  if (!record.host_id || !record.claim) throw new Error("moveToHost needs a placed container");
  // The cores it pinned stay with the old host; the new host gives it its own.
  const claim = claimOnHost(record.claim, host, record);
  if (!claim) return "host_full";
  const update = updateExpression({
    ...changes,
    claim,
    status: Status.Creating,
    status_reason: reason,
    task_state: null,
    host_id: host.id,
    host: host.hostname,
    requested_host: null,
    forced_host: false,
    container_id: null,
    published_ports: null,
    addresses: null,
    ...keys.containerOnHost(host.id, record.uuid),
    ...pendingWork(create, t.operationTimeoutSeconds),
    updated_at: new Date().toISOString(),
  });
  const transaction = new NamedTransaction<"container" | "host" | "release" | "action" | "group">()
    .add("container", {
      Update: {
        TableName: t.table,
        Key: keys.container(record.uuid),
        UpdateExpression: `${update.expression} ADD generation :one`,
        ConditionExpression: "generation = :generation AND host_id = :oldHost",
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: {
          ...update.values,
          ":one": 1,
          ":generation": record.generation,
          ":oldHost": record.host_id,
        },
      },
    })
    .add("host", claimHost(t.table, host, claim))
    .add("release", releaseHost(t.table, record.host_id, record.claim))
    .add("action", actionItem(t.table, action))
    .add("group", ...(group ? moveInGroupItems(t.table, group, record.host_id, host.id) : []));
  const cancelled = await transaction.send(t.db);
  if (!cancelled) return "placed";
  if (cancelled.failed("container") || cancelled.failed("action")) return "changed";
  if (cancelled.failed("host")) return "host_full";
  if (cancelled.failed("group")) return "group_full";
  if (cancelled.conflicted) return "contention";
  throw cancelled.error;
}
