import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { PENDING_ATTRIBUTES, pendingDeadline, pendingWork } from "../containers/pending-work.ts";
import type { Claim, ContainerRecord } from "../containers/record.ts";
import { ConflictError, NameTakenError } from "../errors.ts";
import type { GroupRecord } from "../groups/record.ts";
import { claimOnHost } from "../hosts/pinned-cores.ts";
import type { HostRecord } from "../hosts/record.ts";
import { Status } from "../model/container-status.ts";
import type { HostMessage } from "../queue/host-messages.ts";
import { ONE_CONTAINER, usageOf } from "../quotas/limits.ts";
import type { VolumeRecord } from "../volumes/record.ts";
import { type ActionRecord, type ActionStore, actionPut } from "./actions.ts";
import { joinGroupItems, leaveGroupItems, moveInGroupItems } from "./group-membership.ts";
import { adjustHostClaim, claimHost, releaseHost } from "./host-claims.ts";
import { DuplicateCreateError, type IdempotencyClaim } from "./idempotency.ts";
import { walkIndex } from "./index-pages.ts";
import { GSI1, GSI2, GSI3, GSI4, keys } from "./keys.ts";
import { type Cancellation, NamedTransaction, type TransactItem } from "./named-transaction.ts";
import { queryAll } from "./query-all.ts";
import { negate, type QuotaStore } from "./quotas.ts";
import type { TombstoneStore } from "./tombstones.ts";
import { appliedIfConditionHolds, cancellationCodes } from "./transactions.ts";
import { updateExpression } from "./update-expression.ts";
import type { VolumeStore } from "./volumes.ts";

/** The outcome of trying to claim a host for a new container. */
export type ClaimOutcome = "placed" | "host_full" | "group_full" | "quota_changed" | "contention";

export class ContainerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly quotas: QuotaStore,
    private readonly volumes: VolumeStore,
    private readonly tombstones: TombstoneStore,
    private readonly actions: ActionStore,
    /** How long an operation may stand still before the reconciler steps in. */
    private readonly operationTimeoutSeconds: number,
  ) {}

  /**
   * Stores a new container, its name, its create action, its claim on a host
   * and its place in its server group (`group`, as record.group_id names) in
   * one transaction: either all of it happens or none of it does.
   */
  async createPlaced(
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
    const volumeItems = this.volumeItemsFor(record);
    const pending = { ...record, ...pendingWork(create, this.operationTimeoutSeconds) };
    const transaction = new NamedTransaction<NewContainerItem | "host" | "quota" | "volume" | "group">()
      .add("host", claimHost(this.table, host, record.claim))
      .add("quota", ...quotaItems);
    this.addNewContainer(transaction, pending, action, idempotency)
      .add("volume", ...volumeItems)
      .add("group", ...(group ? joinGroupItems(this.table, group, host.id, record.uuid) : []));
    const cancelled = await transaction.send(this.db);
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
  async createUnplaced(
    record: ContainerRecord,
    action: ActionRecord,
    quotaItems: TransactItem[],
    idempotency?: IdempotencyClaim,
  ): Promise<boolean> {
    const transaction = this.addNewContainer(
      new NamedTransaction<NewContainerItem | "quota">(),
      record,
      action,
      idempotency,
    ).add("quota", ...quotaItems);
    const cancelled = await transaction.send(this.db);
    if (!cancelled) return true;
    rejectDuplicates(cancelled, record, idempotency);
    if (cancelled.failed("quota") || cancelled.conflicted) return false;
    throw cancelled.error;
  }

  /** The container an earlier create with this idempotency key made, if any. */
  async findByIdempotencyKey(
    projectId: string,
    key: string,
  ): Promise<{ uuid: string; fingerprint: string } | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.idempotencyKey(projectId, key), ConsistentRead: true }),
    );
    return result.Item
      ? { uuid: result.Item.uuid as string, fingerprint: result.Item.fingerprint as string }
      : undefined;
  }

  async get(uuid: string): Promise<ContainerRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.container(uuid), ConsistentRead: true }),
    );
    return result.Item as ContainerRecord | undefined;
  }

  async findUuidByName(projectId: string, name: string): Promise<string | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.containerName(projectId, name), ConsistentRead: true }),
    );
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

  /**
   * A project's containers (or, with no project, every project's) in creation
   * order, read as far as the caller goes, starting after `after`.
   */
  inCreationOrder(
    projectId: string | undefined,
    options: { ascending: boolean; after?: ContainerRecord; batch: number },
  ): AsyncGenerator<ContainerRecord> {
    const [index, name, value] =
      projectId === undefined
        ? [GSI2, "gsi2", keys.allContainers()]
        : [GSI1, "gsi1", keys.projectContainers(projectId)];
    const after = options.after && {
      ...keys.container(options.after.uuid),
      ...pick(
        keys.containerIndexes(options.after.project_id, options.after.created_at, options.after.uuid),
        `${name}pk`,
        `${name}sk`,
      ),
    };
    return walkIndex<ContainerRecord>(this.db, this.table, {
      index,
      partition: { name: `${name}pk`, value },
      ascending: options.ascending,
      after,
      batch: options.batch,
    });
  }

  /** The containers placed on one host. */
  listByHost(hostId: string): Promise<ContainerRecord[]> {
    return this.queryIndex(GSI3, "gsi3pk", keys.hostContainers(hostId));
  }

  private queryIndex(index: string, keyName: string, key: string): Promise<ContainerRecord[]> {
    return queryAll<ContainerRecord>(this.db, {
      TableName: this.table,
      IndexName: index,
      KeyConditionExpression: "#key = :key",
      ExpressionAttributeNames: { "#key": keyName },
      ExpressionAttributeValues: { ":key": key },
    });
  }

  /**
   * Accepts a user request: moves the container to its new state and bumps its
   * generation, only if it is still in one of `from` and no task is running,
   * and records the action in the same transaction; `work` is the message the
   * host is sent, kept on the record until it settles. Returns false when the
   * container changed underneath (the caller re-reads and answers 409).
   */
  async beginRequest(
    record: ContainerRecord,
    from: Status[],
    changes: Partial<ContainerRecord>,
    action: ActionRecord,
    work: HostMessage,
    options: { requireIdle: boolean } = { requireIdle: true },
  ): Promise<boolean> {
    const update = updateExpression({
      ...changes,
      ...pendingWork(work, this.operationTimeoutSeconds),
      updated_at: new Date().toISOString(),
    });
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
            actionPut(this.table, action),
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
    const pending = change.hostWork ? pendingWork(change.hostWork, this.operationTimeoutSeconds) : {};
    const update = updateExpression({ ...change.fields, ...pending, updated_at: new Date().toISOString() });
    const statusValues = Object.fromEntries(allowedIn.map((status, index) => [`:from${index}`, status]));
    const containerUpdate: TransactItem = {
      Update: {
        TableName: this.table,
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
      .add("action", actionPut(this.table, action));
    if (change.newName) {
      transaction.add(
        "name",
        {
          Put: {
            TableName: this.table,
            Item: { ...keys.containerName(record.project_id, change.newName), uuid: record.uuid },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        { Delete: { TableName: this.table, Key: keys.containerName(record.project_id, record.name) } },
      );
    }
    if (change.claim)
      transaction.add("host", adjustHostClaim(this.table, change.claim.host, change.claim.from, change.claim.to));
    transaction.add("quota", ...(change.quotaItems ?? []));
    const cancelled = await transaction.send(this.db);
    if (!cancelled) return "applied";
    if (cancelled.failed("name")) return "name_taken";
    if (cancelled.failed("host")) return "host_full";
    if (cancelled.failed("quota")) return "quota_changed";
    return "changed";
  }

  /**
   * Records what an operation did, only if no newer request has been accepted
   * since (the generation is unchanged) and, for the operation's own writes
   * (`inFlight`, its message), only while its work is unsettled. Returns false
   * for a stale write.
   */
  async recordOutcome(
    uuid: string,
    generation: number,
    changes: Partial<ContainerRecord>,
    inFlight?: HostMessage,
  ): Promise<boolean> {
    // An operation's last write (it settles its generation) takes the container off the overdue index;
    // any earlier write of the operation's moves its deadline on.
    const settles = changes.settled_generation !== undefined;
    const deadline = !settles && inFlight ? pendingDeadline(inFlight, this.operationTimeoutSeconds) : {};
    const update = updateExpression(
      { ...changes, ...deadline, updated_at: new Date().toISOString() },
      settles ? PENDING_ATTRIBUTES : [],
    );
    return appliedIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.table,
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

  /** The uuids of containers whose in-flight work is overdue at `now`, read from the sparse overdue index. */
  async listOverdue(now = Date.now()): Promise<string[]> {
    const entries = await queryAll<{ pk: string }>(this.db, {
      TableName: this.table,
      IndexName: GSI4,
      KeyConditionExpression: "gsi4pk = :pending AND gsi4sk < :now",
      ExpressionAttributeValues: { ":pending": keys.pending(), ":now": keys.overdueBefore(now) },
    });
    return entries.map((entry) => entry.pk.slice("CONTAINER#".length));
  }

  /**
   * Counts one more re-send of overdue work and moves its deadline on, only if
   * nothing moved since it was read: of two reconcilers, one re-sends.
   */
  async recordRetry(record: ContainerRecord): Promise<boolean> {
    if (!record.pending_message || record.gsi4sk === undefined) return false;
    const retries = (record.pending_retries ?? 0) + 1;
    return appliedIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.table,
        Key: keys.container(record.uuid),
        UpdateExpression: "SET gsi4sk = :deadline, pending_retries = :retries",
        ConditionExpression: "generation = :generation AND gsi4sk = :seen",
        ExpressionAttributeValues: {
          ":deadline": pendingDeadline(record.pending_message, this.operationTimeoutSeconds).gsi4sk,
          ":retries": retries,
          ":generation": record.generation,
          ":seen": record.gsi4sk,
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
  async failUnstarted(record: ContainerRecord, reason: string): Promise<boolean> {
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
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.container(record.uuid),
                UpdateExpression: update.expression,
                ConditionExpression:
                  "generation = :generation AND settled_generation < :generation AND host_id = :host",
                ExpressionAttributeNames: update.names,
                ExpressionAttributeValues: {
                  ...update.values,
                  ":generation": record.generation,
                  ":host": record.host_id,
                },
              },
            },
            releaseHost(this.table, record.host_id, record.claim),
            // The record stays, so it keeps holding its one container.
            this.quotas.adjustItem(record.project_id, negate(usageOf(record.claim, 0))),
            ...(record.group_id ? leaveGroupItems(this.table, record.group_id, record.host_id, record.uuid) : []),
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
   * Moves a container off a host that died onto `host`, in one transaction:
   * the record (a new generation, Creating again, no Docker container yet,
   * `create` as its work, no requested host any more), the claim taken on the
   * new host and given back on the old one (its place in `group` with it), and the action. The quota does not
   * change: the container is the same. "changed" means the container moved on meanwhile.
   */
  async moveToHost(
    record: ContainerRecord,
    host: HostRecord,
    action: ActionRecord,
    create: HostMessage,
    reason: string,
    group?: GroupRecord,
  ): Promise<ClaimOutcome | "changed"> {
    if (!record.host_id || !record.claim) throw new Error("moveToHost needs a placed container");
    // The cores it pinned stay with the old host; the new host gives it its own.
    const claim = claimOnHost(record.claim, host, record);
    if (!claim) return "host_full";
    const update = updateExpression({
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
      ...pendingWork(create, this.operationTimeoutSeconds),
      updated_at: new Date().toISOString(),
    });
    const transaction = new NamedTransaction<"container" | "host" | "release" | "action" | "group">()
      .add("container", {
        Update: {
          TableName: this.table,
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
      .add("host", claimHost(this.table, host, claim))
      .add("release", releaseHost(this.table, record.host_id, record.claim))
      .add("action", actionPut(this.table, action))
      .add("group", ...(group ? moveInGroupItems(this.table, group, record.host_id, host.id) : []));
    const cancelled = await transaction.send(this.db);
    if (!cancelled) return "placed";
    if (cancelled.failed("container") || cancelled.failed("action")) return "changed";
    if (cancelled.failed("host")) return "host_full";
    if (cancelled.failed("group")) return "group_full";
    if (cancelled.conflicted) return "contention";
    throw cancelled.error;
  }

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
        this.tombstones.putItem("container", record.uuid, record.host_id),
        ...volumes.deleted.flatMap((volume) => this.volumes.deleteItems(volume.uuid, record.host_id!, record.uuid)),
        ...volumes.kept.map((volume) => this.volumes.detachItem(volume.uuid, record.uuid, { madeIt: true })),
        ...volumes.shared.map((volume) => this.volumes.detachItem(volume.uuid, record.uuid, { madeIt: false })),
      ];
      if (record.host_id && record.claim) {
        const released = { ...record.claim, disk: record.claim.disk - keptGiB };
        items.push(
          releaseHost(this.table, record.host_id, released),
          this.quotas.adjustItem(record.project_id, negate(usageOf(released))),
          ...(record.group_id ? leaveGroupItems(this.table, record.group_id, record.host_id, record.uuid) : []),
        );
      } else if (record.counts_as_container) {
        items.push(this.quotas.adjustItem(record.project_id, negate(ONE_CONTAINER)));
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

  /**
   * Once a delete has recorded its outcome: a container whose record is gone
   * has its action log expire with its tombstone. Every path that deletes a
   * record calls it last, and again when it runs again (a redelivered delete
   * finds the record gone and still gets here); a container still recorded
   * keeps its log.
   */
  async forgetActionsOfDeleted(uuid: string): Promise<void> {
    if (await this.get(uuid)) return;
    await this.actions.expireAll(uuid, this.tombstones.expiresAt());
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
        const users = (await this.volumes.get(mount.volume_uuid))?.attached ?? new Set<string>();
        if ([...users].every((user) => user === record.uuid)) fates.deleted.push(volume);
        else fates.kept.push(volume);
      }
    }
    return fates;
  }

  /** The container, its name, its create action and (optionally) its idempotency key, in that order. */
  /** Adds a new container's items: its record, its name, its create action and (when given) its idempotency key. */
  private addNewContainer<Name extends string>(
    transaction: NamedTransaction<Name | NewContainerItem>,
    record: ContainerRecord,
    action: ActionRecord,
    idempotency?: IdempotencyClaim,
  ): NamedTransaction<Name | NewContainerItem> {
    transaction
      .add("container", {
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
      })
      .add("name", {
        Put: {
          TableName: this.table,
          Item: { ...keys.containerName(record.project_id, record.name), uuid: record.uuid },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      })
      .add("action", actionPut(this.table, action));
    if (idempotency)
      transaction.add("idempotency", {
        Put: {
          TableName: this.table,
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

function pick(item: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, item[name]!]));
}
