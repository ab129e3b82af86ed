import { ConflictError, NameTakenError } from "../../errors.ts";
import type { ContainerRecord } from "../../model/container.ts";
import type { GroupRecord } from "../../model/group.ts";
import type { HostRecord } from "../../model/host.ts";
import type { VolumeRecord } from "../../model/volume.ts";
import type { HostMessage } from "../../queue/host-messages.ts";
import { type ActionRecord, actionPut } from "../actions.ts";
import { joinGroupItems } from "../group-membership.ts";
import { type ClaimOutcome, claimHost } from "../host-claims.ts";
import { DuplicateCreateError, type IdempotencyClaim } from "../idempotency.ts";
import { keys } from "../keys.ts";
import { type Cancellation, NamedTransaction, type TransactItem } from "../named-transaction.ts";
import { pendingWork } from "../pending-work.ts";
import type { ContainerTable } from "./container-table.ts";

/**
 * Stores a new container, its name, its create action, its claim on a host
 * and its place in its server group (`group`, as record.group_id names) in
 * one transaction: either all of it happens or none of it does.
 */
export async function createPlaced(
  t: ContainerTable,
  record: ContainerRecord,
  host: HostRecord,
  action: ActionRecord,
  quotaItems: TransactItem[],
  create: HostMessage,
  idempotency?: IdempotencyClaim,
  group?: GroupRecord,
): Promise<ClaimOutcome> {
  if (!record.claim || record.host_id !== host.id) throw new Error("createPlaced needs the record's claim and host");
  if ((record.group_id ?? undefined) !== group?.uuid) throw new Error("createPlaced needs the record's group");
  const volumeItems = volumeItemsFor(t, record);
  const pending = { ...record, ...pendingWork(create, t.operationTimeoutSeconds) };
  const transaction = new NamedTransaction<NewContainerItem | "host" | "quota" | "volume" | "group">()
    .add("host", claimHost(t.table, host, record.claim))
    .add("quota", ...quotaItems);
  addNewContainer(t, transaction, pending, action, idempotency)
    .add("volume", ...volumeItems)
    .add("group", ...(group ? joinGroupItems(t.table, group, host.id, record.uuid) : []));
  const cancelled = await transaction.send(t.db);
  if (!cancelled) return "placed";
  if (cancelled.failed("volume"))
    throw new ConflictError("A volume this container mounts was deleted while it was being placed.", "volume_gone");
  rejectDuplicates(cancelled, record, idempotency);
  if (cancelled.failed("host")) return "host_full";
  if (cancelled.failed("quota")) return "quota_changed";
  if (cancelled.failed("group")) return "group_full";
  if (cancelled.conflicted) return "contention";
  throw cancelled.error;
}

/**
 * Stores a container that could not be placed (status Error), with its name
 * and action, and takes the one container it holds of the quota
 * (`quotaItems`) in the same transaction. False when the quota moved
 * meanwhile or another transaction held it (read it again and retry).
 */
export async function createUnplaced(
  t: ContainerTable,
  record: ContainerRecord,
  action: ActionRecord,
  quotaItems: TransactItem[],
  idempotency?: IdempotencyClaim,
): Promise<boolean> {
  const transaction = addNewContainer(
    t,
    new NamedTransaction<NewContainerItem | "quota">(),
    record,
    action,
    idempotency,
  ).add("quota", ...quotaItems);
  const cancelled = await transaction.send(t.db);
  if (!cancelled) return true;
  rejectDuplicates(cancelled, record, idempotency);
  if (cancelled.failed("quota") || cancelled.conflicted) return false;
  throw cancelled.error;
}

/** New volumes' records and attachments of existing ones, for a container placed on its host. */
function volumeItemsFor(t: ContainerTable, record: ContainerRecord): TransactItem[] {
  return (record.mounts ?? []).flatMap((mount) => {
    if (mount.type !== "volume") return [];
    if (!mount.created_with_container) return [t.volumes.attachItem(mount.volume_uuid, record.uuid)];
    const volume: VolumeRecord = {
      uuid: mount.volume_uuid,
      name: `${record.name}-${mount.destination.split("/").filter(Boolean).join("-") || "volume"}`,
      project_id: record.project_id,
      host_id: record.host_id!,
      size: mount.size,
      container_uuid: record.uuid,
      auto_remove: mount.auto_remove,
      created_at: record.created_at,
    };
    return [t.volumes.createItem(volume)];
  });
}

/** Adds a new container's items: its record, its name, its create action and (when given) its idempotency key. */
function addNewContainer<Name extends string>(
  t: ContainerTable,
  transaction: NamedTransaction<Name | NewContainerItem>,
  record: ContainerRecord,
  action: ActionRecord,
  idempotency?: IdempotencyClaim,
): NamedTransaction<Name | NewContainerItem> {
  transaction
    .add("container", {
      Put: {
        TableName: t.table,
        Item: {
          ...record,
          ...keys.container(record.uuid),
          ...keys.containerIndexes(record.project_id, record.created_at, record.uuid),
          ...(record.host_id ? keys.containerOnHost(record.host_id, record.uuid) : {}),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    })
    .add("name", {
      Put: {
        TableName: t.table,
        Item: { ...keys.containerName(record.project_id, record.name), uuid: record.uuid },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    })
    .add("action", actionPut(t.table, action));
  if (idempotency)
    transaction.add("idempotency", {
      Put: {
        TableName: t.table,
        Item: {
          ...keys.idempotencyKey(record.project_id, idempotency.key),
          uuid: record.uuid,
          fingerprint: idempotency.fingerprint,
          expires_at: idempotency.expiresAt,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    });
  return transaction;
}

/** The items every new container's transaction holds. */
type NewContainerItem = "container" | "name" | "action" | "idempotency";

/** A create that lost to another with its idempotency key, or to a container of its name, says so. */
function rejectDuplicates(
  cancelled: Cancellation<NewContainerItem>,
  record: ContainerRecord,
  idempotency?: IdempotencyClaim,
): void {
  if (idempotency && cancelled.failed("idempotency")) throw new DuplicateCreateError(idempotency.key);
  if (cancelled.failed("name")) throw new NameTakenError(record.name);
}
