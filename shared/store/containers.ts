import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ConflictError, NameTakenError } from "../errors.ts";
import type { VolumeRecord } from "../volumes/record.ts";
import type { Claim, ContainerRecord } from "../containers/record.ts";
import type { Status } from "../containers/statuses.ts";
import type { HostRecord } from "../hosts/record.ts";
import type { ActionRecord } from "./actions.ts";
import { GSI1, GSI2, GSI3, keys } from "./keys.ts";
import { cancellationCodes, isConditionFailure } from "./transactions.ts";
import { updateExpression } from "./update-expression.ts";
import { negate, type QuotaStore } from "./quotas.ts";
import type { VolumeStore } from "./volumes.ts";
import { usageOf } from "../quotas/limits.ts";

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];

/** The outcome of trying to claim a host for a new container. */
export type ClaimOutcome = "placed" | "host_full" | "quota_changed" | "contention";

export class ContainerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly quotas: QuotaStore,
    private readonly volumes: VolumeStore,
  ) {}

  /**
   * Stores a new container, its name, its create action and its claim on a host
   * in one transaction: either all of it happens or none of it does.
   */
  async createPlaced(record: ContainerRecord, host: HostRecord, action: ActionRecord, quotaItems: TransactItem[], idempotency?: IdempotencyClaim): Promise<ClaimOutcome> {
    if (!record.claim || record.host_id !== host.id) throw new Error("createPlaced needs the record's claim and host");
    const volumeItems = this.volumeItemsFor(record);
    const items = [claimHost(this.table, host, record.claim), ...quotaItems, ...this.newContainerItems(record, action, idempotency), ...volumeItems];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return "placed";
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes.slice(items.length - volumeItems.length).includes("ConditionalCheckFailed")) {
        throw new ConflictError("A volume this container mounts was deleted while it was being placed.", "volume_gone");
      }
      rejectDuplicates(codes.slice(1 + quotaItems.length), record, idempotency);
      if (codes[0] === "ConditionalCheckFailed") return "host_full";
      if (codes.slice(1, 1 + quotaItems.length).includes("ConditionalCheckFailed")) return "quota_changed";
      if (codes.includes("TransactionConflict")) return "contention";
      throw error;
    }
  }

  /** Stores a container that could not be placed (status Error), with its name and action. */
  async createUnplaced(record: ContainerRecord, action: ActionRecord, idempotency?: IdempotencyClaim): Promise<void> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: this.newContainerItems(record, action, idempotency) }));
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes) rejectDuplicates(codes, record, idempotency);
      throw error;
    }
  }

  /** The container an earlier create with this idempotency key made, if any. */
  async findByIdempotencyKey(projectId: string, key: string): Promise<{ uuid: string; fingerprint: string } | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.idempotencyKey(projectId, key), ConsistentRead: true }));
    return result.Item ? { uuid: result.Item.uuid as string, fingerprint: result.Item.fingerprint as string } : undefined;
  }

  async get(uuid: string): Promise<ContainerRecord | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.container(uuid), ConsistentRead: true }));
    return result.Item as ContainerRecord | undefined;
  }

  async findUuidByName(projectId: string, name: string): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.containerName(projectId, name), ConsistentRead: true }));
    return result.Item?.uuid as string | undefined;
  }

  /** A project's containers, oldest first. */
  listByProject(projectId: string): Promise<ContainerRecord[]> {
    return this.queryIndex(GSI1, "gsi1pk", keys.projectContainers(projectId));
  }

  /** Every project's containers, oldest first (for admins). */
  listAll(): Promise<ContainerRecord[]> {
    return this.queryIndex(GSI2, "gsi2pk", keys.allContainers());
  }

  /** The containers placed on one host. */
  listByHost(hostId: string): Promise<ContainerRecord[]> {
    return this.queryIndex(GSI3, "gsi3pk", keys.hostContainers(hostId));
  }

  private async queryIndex(index: string, keyName: string, key: string): Promise<ContainerRecord[]> {
    const containers: ContainerRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index,
          KeyConditionExpression: "#key = :key",
          ExpressionAttributeNames: { "#key": keyName },
          ExpressionAttributeValues: { ":key": key },
          ExclusiveStartKey: startKey,
        }),
      );
      containers.push(...((page.Items ?? []) as ContainerRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return containers;
  }

  /**
   * Accepts a user request: moves the container to its new state and bumps its
   * generation, only if it is still in one of `from` and no task is running,
   * and records the action in the same transaction. Returns false when the
   * container changed underneath (the caller re-reads and answers 409).
   */
  async beginRequest(
    record: ContainerRecord,
    from: Status[],
    changes: Partial<ContainerRecord>,
    action: ActionRecord,
    options: { requireIdle: boolean } = { requireIdle: true },
  ): Promise<boolean> {
    const update = updateExpression({ ...changes, updated_at: new Date().toISOString() });
    const statusValues = Object.fromEntries(from.map((status, index) => [`:from${index}`, status]));
    const idle = options.requireIdle ? " AND attribute_type(task_state, :nullType)" : "";
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
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
            },
            { Put: { TableName: this.table, Item: action as unknown as Record<string, unknown>, ConditionExpression: "attribute_not_exists(pk)" } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)) return false;
      throw error;
    }
  }

  /**
   * Applies a PATCH atomically: the record's new fields, its name (swapped if it
   * changed), its host claim (grown only if the host still has room) and the
   * action, in one transaction conditioned on the record being unchanged.
   */
  async applyUpdate(
    record: ContainerRecord,
    change: { fields: Partial<ContainerRecord>; newName?: string; claim?: { host: HostRecord; from: Claim; to: Claim }; quotaItems?: TransactItem[]; bumpGeneration: boolean },
    allowedIn: readonly Status[],
    action: ActionRecord,
  ): Promise<"applied" | "changed" | "name_taken" | "host_full" | "quota_changed"> {
    const update = updateExpression({ ...change.fields, updated_at: new Date().toISOString() });
    const statusValues = Object.fromEntries(allowedIn.map((status, index) => [`:from${index}`, status]));
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: keys.container(record.uuid),
          UpdateExpression: change.bumpGeneration ? `${update.expression} ADD generation :one` : update.expression,
          ConditionExpression: `generation = :generation AND attribute_type(task_state, :nullType) AND #status IN (${Object.keys(statusValues).join(", ")})`,
          ExpressionAttributeNames: { ...update.names, "#status": "status" },
          ExpressionAttributeValues: {
            ...update.values,
            ...statusValues,
            ...(change.bumpGeneration ? { ":one": 1 } : {}),
            ":generation": record.generation,
            ":nullType": "NULL",
          },
        },
      },
      { Put: { TableName: this.table, Item: action as unknown as Record<string, unknown>, ConditionExpression: "attribute_not_exists(pk)" } },
    ];
    const nameIndex = items.length;
    if (change.newName) {
      items.push(
        { Put: { TableName: this.table, Item: { ...keys.containerName(record.project_id, change.newName), uuid: record.uuid }, ConditionExpression: "attribute_not_exists(pk)" } },
        { Delete: { TableName: this.table, Key: keys.containerName(record.project_id, record.name) } },
      );
    }
    const hostIndex = items.length;
    if (change.claim) items.push(adjustHostClaim(this.table, change.claim.host, change.claim.from, change.claim.to));
    const quotaIndex = items.length;
    items.push(...(change.quotaItems ?? []));
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return "applied";
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (change.newName && codes[nameIndex] === "ConditionalCheckFailed") return "name_taken";
      if (change.claim && codes[hostIndex] === "ConditionalCheckFailed") return "host_full";
      if (codes.slice(quotaIndex).includes("ConditionalCheckFailed")) return "quota_changed";
      return "changed";
    }
  }

  /**
   * Records what an operation did, only if no newer request has been accepted
   * since (the generation is unchanged). Returns false for a stale write.
   */
  async recordOutcome(uuid: string, generation: number, changes: Partial<ContainerRecord>): Promise<boolean> {
    const update = updateExpression({ ...changes, updated_at: new Date().toISOString() });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.container(uuid),
          UpdateExpression: update.expression,
          ConditionExpression: "generation = :generation",
          ExpressionAttributeNames: update.names,
          ExpressionAttributeValues: { ...update.values, ":generation": generation },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Removes a container record and its name, and returns its claim to the host
   * and its usage to the quota, in one transaction conditioned on the record
   * still being at `generation`: a duplicate or stale delete finds nothing to
   * release, so a claim is released exactly once. Volumes it made for itself
   * go with it when asked to (and no other container uses them); the others
   * are detached and kept, still holding their size. Returns whether it
   * released, and the volumes whose records were deleted (for the host to
   * remove from Docker afterwards).
   */
  async removeAndRelease(record: ContainerRecord): Promise<{ released: boolean; deletedVolumes: string[] }> {
    for (let attempt = 0; ; attempt++) {
      const volumes = await this.volumeFates(record);
      const keptGiB = volumes.kept.reduce((sum, volume) => sum + volume.size, 0);
      const items: TransactItem[] = [
        {
          Delete: {
            TableName: this.table,
            Key: keys.container(record.uuid),
            ConditionExpression: "generation = :generation",
            ExpressionAttributeValues: { ":generation": record.generation },
          },
        },
        { Delete: { TableName: this.table, Key: keys.containerName(record.project_id, record.name) } },
        ...volumes.deleted.map((volume) => this.volumes.deleteItem(volume.uuid, record.uuid)),
        ...volumes.kept.map((volume) => this.volumes.detachItem(volume.uuid, record.uuid, { madeIt: true })),
        ...volumes.shared.map((volume) => this.volumes.detachItem(volume.uuid, record.uuid, { madeIt: false })),
      ];
      if (record.host_id && record.claim) {
        const released = { ...record.claim, disk: record.claim.disk - keptGiB };
        items.push(releaseHost(this.table, record.host_id, released), this.quotas.adjustItem(record.project_id, negate(usageOf(released))));
      }
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return { released: true, deletedVolumes: volumes.deleted.map((volume) => volume.uuid) };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[0] === "ConditionalCheckFailed") return { released: false, deletedVolumes: [] };
        // A volume gained or lost a user meanwhile: look again.
        if (codes && attempt < 3) continue;
        throw error;
      }
    }
  }

  /** New volumes' records and attachments of existing ones, for a container placed on its host. */
  private volumeItemsFor(record: ContainerRecord): TransactItem[] {
    return (record.mounts ?? []).flatMap((mount) => {
      if (mount.type !== "volume") return [];
      if (!mount.created_with_container) return [this.volumes.attachItem(mount.volume_uuid, record.uuid)];
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
      return [this.volumes.createItem(volume)];
    });
  }

  /** What becomes of each volume a container mounts when it is deleted. */
  private async volumeFates(record: ContainerRecord) {
    const fates = { deleted: [] as Array<{ uuid: string; size: number }>, kept: [] as Array<{ uuid: string; size: number }>, shared: [] as Array<{ uuid: string; size: number }> };
    // A container never placed made no volumes and attached to none.
    if (!record.host_id) return fates;
    for (const mount of record.mounts ?? []) {
      if (mount.type !== "volume") continue;
      const volume = { uuid: mount.volume_uuid, size: mount.size };
      if (!mount.created_with_container) fates.shared.push(volume);
      else if (!mount.auto_remove) fates.kept.push(volume);
      else {
        const users = (await this.volumes.get(mount.volume_uuid))?.attached ?? new Set<string>();
        if ([...users].every((user) => user === record.uuid)) fates.deleted.push(volume);
        else fates.kept.push(volume);
      }
    }
    return fates;
  }

  /** The container, its name, its create action and (optionally) its idempotency key, in that order. */
  private newContainerItems(record: ContainerRecord, action: ActionRecord, idempotency?: IdempotencyClaim): TransactItem[] {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: {
            ...record,
            ...keys.container(record.uuid),
            ...keys.containerIndexes(record.project_id, record.created_at, record.uuid),
            ...(record.host_id ? keys.containerOnHost(record.host_id, record.uuid) : {}),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.containerName(record.project_id, record.name), uuid: record.uuid },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      { Put: { TableName: this.table, Item: action as unknown as Record<string, unknown>, ConditionExpression: "attribute_not_exists(pk)" } },
    ];
    if (idempotency) {
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...keys.idempotencyKey(record.project_id, idempotency.key), uuid: record.uuid, fingerprint: idempotency.fingerprint, expires_at: idempotency.expiresAt },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      });
    }
    return items;
  }
}

/** An idempotency key claimed by a create, so a retry finds the container it made. */
export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
  /** Epoch seconds; the key is forgotten after. */
  expiresAt: number;
}

/** Another request with the same idempotency key won the race. */
export class DuplicateCreateError extends Error {
  constructor(readonly key: string) {
    super(`a create with idempotency key ${key} is already recorded`);
  }
}

/** Reads the cancellation codes of [container, name, action, idempotency key] for duplicates. */
function rejectDuplicates(codes: string[], record: ContainerRecord, idempotency?: IdempotencyClaim): void {
  if (idempotency && codes[3] === "ConditionalCheckFailed") throw new DuplicateCreateError(idempotency.key);
  if (codes[1] === "ConditionalCheckFailed") throw new NameTakenError(record.name);
}

/**
 * Adds a claim to a host only if it is enabled and every resource still fits.
 * DynamoDB conditions cannot add, so "used + claim <= total" is sent as
 * "total is still T and used <= T - claim".
 */
function claimHost(table: string, host: HostRecord, claim: Claim): TransactItem {
  const ports = claim.ports ?? 0;
  const portCondition = ports > 0 ? " AND ports_total = :portsTotal AND ports_used <= :portsRoom" : "";
  return {
    Update: {
      TableName: table,
      Key: keys.host(host.id),
      UpdateExpression: "ADD cpu_used_millis :cpu, mem_used :mem, disk_used :disk, total_containers :one, ports_used :ports",
      ConditionExpression:
        "enabled = :true AND cpu_total_millis = :cpuTotal AND cpu_used_millis <= :cpuRoom" +
        " AND mem_total = :memTotal AND mem_used <= :memRoom AND disk_total = :diskTotal AND disk_used <= :diskRoom" +
        portCondition,
      ExpressionAttributeValues: {
        ":ports": ports,
        ...(ports > 0 ? { ":portsTotal": host.ports_total ?? 0, ":portsRoom": (host.ports_total ?? 0) - ports } : {}),
        ":cpu": claim.cpuMillis,
        ":mem": claim.memory,
        ":disk": claim.disk,
        ":one": 1,
        ":true": true,
        ":cpuTotal": host.cpu_total_millis,
        ":cpuRoom": host.cpu_total_millis - claim.cpuMillis,
        ":memTotal": host.mem_total,
        ":memRoom": host.mem_total - claim.memory,
        ":diskTotal": host.disk_total,
        ":diskRoom": host.disk_total - claim.disk,
      },
    },
  };
}

/** Moves a host's claim from one size to another; growing is conditional on room, shrinking is not. */
function adjustHostClaim(table: string, host: HostRecord, from: Claim, to: Claim): TransactItem {
  const delta = { cpu: to.cpuMillis - from.cpuMillis, mem: to.memory - from.memory, disk: to.disk - from.disk };
  const conditions: string[] = [];
  const values: Record<string, unknown> = { ":cpu": delta.cpu, ":mem": delta.mem, ":disk": delta.disk };
  if (delta.cpu > 0) {
    conditions.push("cpu_total_millis = :cpuTotal AND cpu_used_millis <= :cpuRoom");
    Object.assign(values, { ":cpuTotal": host.cpu_total_millis, ":cpuRoom": host.cpu_total_millis - delta.cpu });
  }
  if (delta.mem > 0) {
    conditions.push("mem_total = :memTotal AND mem_used <= :memRoom");
    Object.assign(values, { ":memTotal": host.mem_total, ":memRoom": host.mem_total - delta.mem });
  }
  return {
    Update: {
      TableName: table,
      Key: keys.host(host.id),
      UpdateExpression: "ADD cpu_used_millis :cpu, mem_used :mem, disk_used :disk",
      ConditionExpression: conditions.length > 0 ? conditions.join(" AND ") : undefined,
      ExpressionAttributeValues: values,
    },
  };
}

function releaseHost(table: string, hostId: string, claim: Claim): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: keys.host(hostId),
      UpdateExpression: "ADD cpu_used_millis :cpu, mem_used :mem, disk_used :disk, total_containers :minusOne, ports_used :ports",
      ExpressionAttributeValues: { ":cpu": -claim.cpuMillis, ":mem": -claim.memory, ":disk": -claim.disk, ":minusOne": -1, ":ports": -(claim.ports ?? 0) },
    },
  };
}
