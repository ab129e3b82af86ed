import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { ContainerRecord } from "../model/container.ts";
import type { ActionStore } from "./actions.ts";
import { applyUpdate, beginRequest } from "./container-writes/accept-request.ts";
import type { ContainerTable } from "./container-writes/container-table.ts";
import { createPlaced, createUnplaced } from "./container-writes/create-container.ts";
import { moveToHost } from "./container-writes/move-container.ts";
import { failUnstarted, recordOutcome, recordRetry } from "./container-writes/record-outcome.ts";
import { removeAndRelease } from "./container-writes/remove-container.ts";
import { walkIndex } from "./index-pages.ts";
import { GSI1, GSI2, GSI3, GSI4, keys } from "./keys.ts";
import { queryAll } from "./query-all.ts";
import type { QuotaStore } from "./quotas.ts";
import type { TombstoneStore } from "./tombstones.ts";
import type { VolumeStore } from "./volumes.ts";

/** A function of container-writes/ without its first parameter, the table. */
type WithoutTable<F> = F extends (t: ContainerTable, ...rest: infer Rest) => unknown ? Rest : never;

/**
 * Containers: their records, names, indexes and actions. Reads are here; each
 * write is a transaction of its own in container-writes/, one file per kind
 * (create, accept a request, record an outcome, move, remove).
 */
export class ContainerStore {
  private readonly t: ContainerTable;

  constructor(
    db: DynamoDBDocumentClient,
    table: string,
    quotas: QuotaStore,
    volumes: VolumeStore,
    tombstones: TombstoneStore,
    actions: ActionStore,
    /** How long an operation may stand still before the reconciler steps in. */
    operationTimeoutSeconds: number,
  ) {
    this.t = { db, table, quotas, volumes, tombstones, actions, operationTimeoutSeconds };
  }

  /** See createPlaced in container-writes/create-container.ts. */
  createPlaced(...args: WithoutTable<typeof createPlaced>) {
    return createPlaced(this.t, ...args);
  }

  /** See createUnplaced in container-writes/create-container.ts. */
  createUnplaced(...args: WithoutTable<typeof createUnplaced>) {
    return createUnplaced(this.t, ...args);
  }

  /** The container an earlier create with this idempotency key made, if any. */
  async findByIdempotencyKey(
    projectId: string,
    key: string,
  ): Promise<{ uuid: string; fingerprint: string } | undefined> {
    const result = await this.t.db.send(
      new GetCommand({ TableName: this.t.table, Key: keys.idempotencyKey(projectId, key), ConsistentRead: true }),
    );
    return result.Item
      ? { uuid: result.Item.uuid as string, fingerprint: result.Item.fingerprint as string }
      : undefined;
  }

  async get(uuid: string): Promise<ContainerRecord | undefined> {
    const result = await this.t.db.send(
      new GetCommand({ TableName: this.t.table, Key: keys.container(uuid), ConsistentRead: true }),
    );
    return result.Item as ContainerRecord | undefined;
  }

  async findUuidByName(projectId: string, name: string): Promise<string | undefined> {
    const result = await this.t.db.send(
      new GetCommand({ TableName: this.t.table, Key: keys.containerName(projectId, name), ConsistentRead: true }),
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
    return walkIndex<ContainerRecord>(this.t.db, this.t.table, {
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
    return queryAll<ContainerRecord>(this.t.db, {
      TableName: this.t.table,
      IndexName: index,
      KeyConditionExpression: "#key = :key",
      ExpressionAttributeNames: { "#key": keyName },
      ExpressionAttributeValues: { ":key": key },
    });
  }

  /** See beginRequest in container-writes/accept-request.ts. */
  beginRequest(...args: WithoutTable<typeof beginRequest>) {
    return beginRequest(this.t, ...args);
  }

  /** See applyUpdate in container-writes/accept-request.ts. */
  applyUpdate(...args: WithoutTable<typeof applyUpdate>) {
    return applyUpdate(this.t, ...args);
  }

  /** See recordOutcome in container-writes/record-outcome.ts. */
  recordOutcome(...args: WithoutTable<typeof recordOutcome>) {
    return recordOutcome(this.t, ...args);
  }

  /** The uuids of containers whose in-flight work is overdue at `now`, read from the sparse overdue index. */
  async listOverdue(now = Date.now()): Promise<string[]> {
    const entries = await queryAll<{ pk: string }>(this.t.db, {
      TableName: this.t.table,
      IndexName: GSI4,
      KeyConditionExpression: "gsi4pk = :pending AND gsi4sk < :now",
      ExpressionAttributeValues: { ":pending": keys.pending(), ":now": keys.overdueBefore(now) },
    });
    return entries.map((entry) => entry.pk.slice("CONTAINER#".length));
  }

  /** See recordRetry in container-writes/record-outcome.ts. */
  recordRetry(...args: WithoutTable<typeof recordRetry>) {
    return recordRetry(this.t, ...args);
  }

  /** See failUnstarted in container-writes/record-outcome.ts. */
  failUnstarted(...args: WithoutTable<typeof failUnstarted>) {
    return failUnstarted(this.t, ...args);
  }

  /** See moveToHost in container-writes/move-container.ts. */
  moveToHost(...args: WithoutTable<typeof moveToHost>) {
    return moveToHost(this.t, ...args);
  }

  /** See removeAndRelease in container-writes/remove-container.ts. */
  removeAndRelease(...args: WithoutTable<typeof removeAndRelease>) {
    return removeAndRelease(this.t, ...args);
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
    await this.t.actions.expireAll(uuid, this.t.tombstones.expiresAt());
  }
}

function pick(item: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, item[name]!]));
}
