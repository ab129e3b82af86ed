import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { capsuleStatusOf } from "../capsules/statuses.ts";
import type { CapsuleRecord } from "../model/capsule.ts";
import { Status } from "../model/container-status.ts";
import type { HostRecord } from "../model/host.ts";
import { NO_USAGE, usageOf } from "../quotas/limits.ts";
import { type ClaimOutcome, claimHost, releaseHost } from "./host-claims.ts";
import { GSI1, GSI2, keys } from "./keys.ts";
import { NamedTransaction, type TransactItem } from "./named-transaction.ts";
import { queryAll } from "./query-all.ts";
import { negate, type QuotaStore } from "./quotas.ts";
import { appliedIfConditionHolds } from "./transactions.ts";
import { updateExpression } from "./update-expression.ts";

/** Capsules: one record each, whose one claim on its host is taken and released in the transaction that stores or deletes it. */
export class CapsuleStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly quotas: QuotaStore,
  ) {}

  /** Stores a new capsule with its claim on the host and its quota usage, all or nothing. */
  async createPlaced(record: CapsuleRecord, host: HostRecord, quotaItems: TransactItem[]): Promise<ClaimOutcome> {
    if (!record.claim || record.host_id !== host.id) throw new Error("createPlaced needs the record's claim and host");
    const cancelled = await new NamedTransaction<"host" | "quota" | "capsule">()
      .add("host", claimHost(this.table, host, record.claim))
      .add("quota", ...quotaItems)
      .add("capsule", this.putItem(record))
      .send(this.db);
    if (!cancelled) return "placed";
    if (cancelled.failed("host")) return "host_full";
    if (cancelled.failed("quota")) return "quota_changed";
    if (cancelled.conflicted) return "contention";
    throw cancelled.error;
  }

  /**
   * Stores a capsule no host could take (status Error, no claim) with its
   * containers' count in the project's quota; false when the quota moved
   * meanwhile (the caller checks again).
   */
  async createUnplaced(record: CapsuleRecord, quotaItems: TransactItem[]): Promise<boolean> {
    const cancelled = await new NamedTransaction<"capsule" | "quota">()
      .add("capsule", this.putItem(record))
      .add("quota", ...quotaItems)
      .send(this.db);
    if (!cancelled) return true;
    if (cancelled.failed("quota") || cancelled.conflicted) return false;
    throw cancelled.error;
  }

  async get(uuid: string): Promise<CapsuleRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.capsule(uuid), ConsistentRead: true }),
    );
    return result.Item as CapsuleRecord | undefined;
  }

  /** A project's capsules, oldest first. */
  listByProject(projectId: string): Promise<CapsuleRecord[]> {
    return this.queryIndex(GSI1, "gsi1pk", keys.projectCapsules(projectId));
  }

  /** Every project's capsules, oldest first (for admins and the accounting audit). */
  listAll(): Promise<CapsuleRecord[]> {
    return this.queryIndex(GSI2, "gsi2pk", keys.allCapsules());
  }

  /**
   * Records what the host did, only while the capsule is still at `generation`
   * (a delete accepted meanwhile makes the create's late writes no-ops); the
   * status is derived here from the containers', the one place it is. Returns
   * false for a stale write.
   */
  async recordProgress(
    current: CapsuleRecord,
    changes: Partial<Omit<CapsuleRecord, "status">> & { status?: CapsuleRecord["status"] },
  ): Promise<boolean> {
    const next = { ...current, ...changes };
    const update = updateExpression({
      ...changes,
      status: capsuleStatusOf(next),
      updated_at: new Date().toISOString(),
    });
    return appliedIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.table,
        Key: keys.capsule(current.uuid),
        UpdateExpression: update.expression,
        ConditionExpression: "generation = :generation",
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: { ...update.values, ":generation": current.generation },
      }),
    );
  }

  /** Accepts a delete: Deleting, with a new generation, unless another request moved the capsule first. */
  async beginDelete(record: CapsuleRecord): Promise<CapsuleRecord | undefined> {
    const deleting: CapsuleRecord = {
      ...record,
      task_state: "deleting",
      status: Status.Deleting,
      generation: record.generation + 1,
      updated_at: new Date().toISOString(),
    };
    const begun = await appliedIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.table,
        Key: keys.capsule(record.uuid),
        UpdateExpression: "SET task_state = :deleting, #status = :status, generation = :next, updated_at = :now",
        ConditionExpression: "generation = :generation",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":deleting": deleting.task_state,
          ":status": deleting.status,
          ":next": deleting.generation,
          ":now": deleting.updated_at,
          ":generation": record.generation,
        },
      }),
    );
    return begun ? deleting : undefined;
  }

  /**
   * Removes the capsule and gives back its claim and quota usage in one
   * transaction conditioned on its generation: a duplicate delete finds
   * nothing, so the claim is released exactly once. Returns whether it did.
   */
  async removeAndRelease(record: CapsuleRecord): Promise<boolean> {
    const transaction = new NamedTransaction<"capsule" | "release">().add("capsule", {
      Delete: {
        TableName: this.table,
        Key: keys.capsule(record.uuid),
        ConditionExpression: "generation = :generation",
        ExpressionAttributeValues: { ":generation": record.generation },
      },
    });
    if (record.host_id && record.claim)
      transaction.add(
        "release",
        releaseHost(this.table, record.host_id, record.claim),
        this.quotas.adjustItem(record.project_id, negate(usageOf(record.claim))),
      );
    else if (record.held_containers)
      transaction.add(
        "release",
        this.quotas.adjustItem(record.project_id, { ...NO_USAGE, containers: -record.held_containers }),
      );
    const cancelled = await transaction.send(this.db);
    if (!cancelled) return true;
    if (cancelled.failed("capsule")) return false;
    throw cancelled.error;
  }

  private putItem(record: CapsuleRecord): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...record,
          ...keys.capsule(record.uuid),
          ...keys.capsuleIndexes(record.project_id, record.created_at, record.uuid),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
  }

  private queryIndex(index: string, keyName: string, key: string): Promise<CapsuleRecord[]> {
    return queryAll<CapsuleRecord>(this.db, {
      TableName: this.table,
      IndexName: index,
      KeyConditionExpression: "#key = :key",
      ExpressionAttributeNames: { "#key": keyName },
      ExpressionAttributeValues: { ":key": key },
    });
  }
}
