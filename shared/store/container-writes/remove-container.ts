import type { ContainerRecord } from "../../model/container.ts";
import { ONE_CONTAINER, usageOf } from "../../quotas/limits.ts";
import { leaveGroupItems } from "../group-membership.ts";
import { releaseHost } from "../host-claims.ts";
import { keys } from "../keys.ts";
import type { TransactItem } from "../named-transaction.ts";
import { NamedTransaction } from "../named-transaction.ts";
import { negate } from "../quotas.ts";
import type { ContainerTable } from "./container-table.ts";

/**
 * Removes a container record and its name, and returns its claim to the host
 * (and its place to its server group) and its usage to the quota, in one transaction conditioned on the record
 * still being at `generation`: a duplicate or stale delete finds nothing to
 * release, so a claim is released exactly once. Volumes it made for itself
 * go with it when asked to (and no other container uses them); the others
 * are detached and kept, still holding their size. The container and each
 * deleted volume leave a tombstone in the same transaction (the evidence a
 * host needs before it removes a copy). Returns whether it
 * released, and the volumes whose records were deleted (for the host to
 * remove from Docker afterwards).
 */
export async function removeAndRelease(
  t: ContainerTable,
  record: ContainerRecord,
): Promise<{ released: boolean; deletedVolumes: string[] }> {
  for (let attempt = 0; ; attempt++) {
    const volumes = await volumeFates(t, record);
    const keptGiB = volumes.kept.reduce((sum, volume) => sum + volume.size, 0);
    const transaction = new NamedTransaction<"container" | "parts">().add("container", {
      Delete: {
        TableName: t.table,
        Key: keys.container(record.uuid),
        ConditionExpression: "generation = :generation",
        ExpressionAttributeValues: { ":generation": record.generation },
      },
    });
    const items: TransactItem[] = [
      { Delete: { TableName: t.table, Key: keys.containerName(record.project_id, record.name) } },
      t.tombstones.putItem("container", record.uuid, record.host_id),
      ...volumes.deleted.flatMap((volume) => t.volumes.deleteItems(volume.uuid, record.host_id!, record.uuid)),
      ...volumes.kept.map((volume) => t.volumes.detachItem(volume.uuid, record.uuid, { madeIt: true })),
      ...volumes.shared.map((volume) => t.volumes.detachItem(volume.uuid, record.uuid, { madeIt: false })),
    ];
    if (record.host_id && record.claim) {
      const released = { ...record.claim, disk: record.claim.disk - keptGiB };
      items.push(
        releaseHost(t.table, record.host_id, released),
        t.quotas.adjustItem(record.project_id, negate(usageOf(released))),
        ...(record.group_id ? leaveGroupItems(t.table, record.group_id, record.host_id, record.uuid) : []),
      );
    } else if (record.counts_as_container) {
      items.push(t.quotas.adjustItem(record.project_id, negate(ONE_CONTAINER)));
    }
    const cancelled = await transaction.add("parts", ...items).send(t.db);
    if (!cancelled) return { released: true, deletedVolumes: volumes.deleted.map((volume) => volume.uuid) };
    if (cancelled.failed("container")) return { released: false, deletedVolumes: [] };
    // A volume gained or lost a user meanwhile: look again.
    if (attempt < 3) continue;
    throw cancelled.error;
  }
}

/** What becomes of each volume a container mounts when it is deleted. */
async function volumeFates(t: ContainerTable, record: ContainerRecord) {
  const fates = {
    deleted: [] as Array<{ uuid: string; size: number }>,
    kept: [] as Array<{ uuid: string; size: number }>,
    shared: [] as Array<{ uuid: string; size: number }>,
  };
  // A container never placed made no volumes and attached to none.
  if (!record.host_id) return fates;
  for (const mount of record.mounts ?? []) {
    if (mount.type !== "volume") continue;
    const volume = { uuid: mount.volume_uuid, size: mount.size };
    if (!mount.created_with_container) fates.shared.push(volume);
    else if (!mount.auto_remove) fates.kept.push(volume);
    else {
      const users = (await t.volumes.get(mount.volume_uuid))?.attached ?? new Set<string>();
      if ([...users].every((user) => user === record.uuid)) fates.deleted.push(volume);
      else fates.kept.push(volume);
    }
  }
  return fates;
}
