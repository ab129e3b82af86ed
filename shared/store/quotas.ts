import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  BUILT_IN_DEFAULTS,
  limitInUsageUnits,
  NO_USAGE,
  QUOTA_RESOURCES,
  type QuotaLimits,
  type QuotaUsage,
  UNLIMITED,
  USAGE_FIELD,
} from "../quotas/limits.ts";
import { counterCorrection } from "./counter-correction.ts";
import { GSI2, keys } from "./keys.ts";
import type { TransactItem } from "./named-transaction.ts";
import { queryAll } from "./query-all.ts";
import { appliedIfConditionHolds } from "./transactions.ts";

/** A project's own limits (where it has them), their version, and what it has claimed. */
export interface ProjectQuota {
  projectId: string;
  overrides: Partial<QuotaLimits>;
  /** Bumped by every change of the overrides; 0 while there are none. */
  version: number;
  usage: QuotaUsage;
}

/** The default limits every project without its own gets. */
export interface QuotaClass {
  limits: QuotaLimits;
  /** Bumped by every change; 0 while the built-in defaults apply. */
  version: number;
}

const USED: Record<keyof QuotaUsage, string> = {
  containers: "used_containers",
  cpuMillis: "used_cpu_millis",
  memory: "used_memory",
  disk: "used_disk",
};
const CLASS_CACHE_MS = 5_000;
let cachedClass: { value: QuotaClass; at: number; table: string } | undefined;

/**
 * Quotas live in one item per project (limits and usage together, so a PUT
 * updates that item and never adds a second) and one item for the default class.
 */
export class QuotaStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getProject(projectId: string): Promise<ProjectQuota> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.quota(projectId), ConsistentRead: true }),
    );
    const item = result.Item ?? {};
    const overrides: Partial<QuotaLimits> = {};
    for (const resource of QUOTA_RESOURCES)
      if (typeof item[`limit_${resource}`] === "number") overrides[resource] = item[`limit_${resource}`];
    const usage = { ...NO_USAGE };
    for (const [field, attribute] of Object.entries(USED))
      usage[field as keyof QuotaUsage] = Number(item[attribute] ?? 0);
    return { projectId, overrides, version: Number(item.limits_version ?? 0), usage };
  }

  /** The default class; cached for a few seconds, since every claim re-checks its version. */
  async getClass(fresh = false): Promise<QuotaClass> {
    if (!fresh && cachedClass && cachedClass.table === this.table && Date.now() - cachedClass.at < CLASS_CACHE_MS)
      return cachedClass.value;
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.quotaClass("default"), ConsistentRead: true }),
    );
    const item = result.Item;
    const value: QuotaClass = item
      ? {
          limits: Object.fromEntries(
            QUOTA_RESOURCES.map((r) => [r, Number(item[r] ?? BUILT_IN_DEFAULTS[r])]),
          ) as QuotaLimits,
          version: Number(item.version ?? 0),
        }
      : { limits: { ...BUILT_IN_DEFAULTS }, version: 0 };
    cachedClass = { value, at: Date.now(), table: this.table };
    return value;
  }

  /** Sets some of a project's limits, leaving the others as they were. */
  async putProject(projectId: string, limits: Partial<QuotaLimits>): Promise<void> {
    const sets = Object.keys(limits).map((resource) => `limit_${resource} = :${resource}`);
    const values = Object.fromEntries(Object.entries(limits).map(([resource, limit]) => [`:${resource}`, limit]));
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.quota(projectId),
        UpdateExpression: `SET ${sets.join(", ")} ADD limits_version :one`,
        ExpressionAttributeValues: { ...values, ":one": 1 },
      }),
    );
  }

  /** Forgets a project's own limits (it falls back to the defaults); its usage stays. */
  async deleteProject(projectId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.quota(projectId),
        UpdateExpression: `REMOVE ${QUOTA_RESOURCES.map((resource) => `limit_${resource}`).join(", ")} ADD limits_version :one`,
        ExpressionAttributeValues: { ":one": 1 },
      }),
    );
  }

  async putClass(limits: Partial<QuotaLimits>): Promise<void> {
    const sets = Object.keys(limits).map((resource) => `#${resource} = :${resource}`);
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.quotaClass("default"),
        UpdateExpression: `SET ${sets.join(", ")} ADD version :one`,
        ExpressionAttributeNames: Object.fromEntries(Object.keys(limits).map((resource) => [`#${resource}`, resource])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(Object.entries(limits).map(([resource, limit]) => [`:${resource}`, limit])),
          ":one": 1,
        },
      }),
    );
    cachedClass = undefined;
  }

  /**
   * Transaction items that add `extra` to a project's usage only if the limits
   * are still the ones read and every finite one still has room.
   */
  claimItems(quota: ProjectQuota, quotaClass: QuotaClass, extra: QuotaUsage): TransactItem[] {
    const limits = effectiveLimits(quota, quotaClass);
    const conditions = ["(attribute_not_exists(limits_version) OR limits_version = :version)"];
    const values: Record<string, unknown> = { ":version": quota.version };
    for (const resource of QUOTA_RESOURCES) {
      const limit = limitInUsageUnits(limits, resource);
      const field = USAGE_FIELD[resource];
      if (limit === UNLIMITED || extra[field] <= 0) continue;
      const attribute = USED[field];
      conditions.push(`(attribute_not_exists(${attribute}) OR ${attribute} <= :room_${resource})`);
      values[`:room_${resource}`] = limit - extra[field];
    }
    return [
      this.adjustItem(quota.projectId, extra, { condition: conditions.join(" AND "), values }),
      {
        ConditionCheck: {
          TableName: this.table,
          Key: keys.quotaClass("default"),
          ConditionExpression: quotaClass.version === 0 ? "attribute_not_exists(pk)" : "version = :classVersion",
          ExpressionAttributeValues: quotaClass.version === 0 ? undefined : { ":classVersion": quotaClass.version },
        },
      },
    ];
  }

  /** A transaction item that gives usage back (or takes more, unconditionally, when `change` is positive). */
  adjustItem(
    projectId: string,
    change: QuotaUsage,
    guard?: { condition: string; values: Record<string, unknown> },
  ): TransactItem {
    const adds = Object.entries(USED).map(([field, attribute]) => `${attribute} :${field}`);
    return {
      Update: {
        TableName: this.table,
        Key: keys.quota(projectId),
        UpdateExpression: `ADD ${adds.join(", ")} SET gsi2pk = :quotaList, gsi2sk = :project`,
        ConditionExpression: guard?.condition,
        ExpressionAttributeValues: {
          ...Object.fromEntries(Object.entries(change).map(([field, amount]) => [`:${field}`, amount])),
          ":quotaList": keys.allQuotas(),
          ":project": projectId,
          ...guard?.values,
        },
      },
    };
  }

  /** Every project's recorded usage (each project whose usage ever changed). */
  async listUsage(): Promise<Map<string, QuotaUsage>> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: GSI2,
      KeyConditionExpression: "gsi2pk = :quotas",
      ExpressionAttributeValues: { ":quotas": keys.allQuotas() },
    });
    return new Map(
      items.map((item) => [
        String(item.gsi2sk),
        Object.fromEntries(
          Object.entries(USED).map(([field, attribute]) => [field, Number(item[attribute] ?? 0)]),
        ) as unknown as QuotaUsage,
      ]),
    );
  }

  /** Sets a project's usage to what its records add up to, only if it still reads `observed`. */
  async correctUsage(projectId: string, observed: QuotaUsage, expected: QuotaUsage): Promise<boolean> {
    const correction = counterCorrection(USED, observed, expected);
    return appliedIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.table,
        Key: keys.quota(projectId),
        UpdateExpression: `SET ${correction.set}, gsi2pk = :quotaList, gsi2sk = :project`,
        ConditionExpression: correction.condition,
        ExpressionAttributeValues: { ...correction.values, ":quotaList": keys.allQuotas(), ":project": projectId },
      }),
    );
  }
}

export function effectiveLimits(quota: ProjectQuota, quotaClass: QuotaClass): QuotaLimits {
  return { ...quotaClass.limits, ...quota.overrides };
}

export function negate(usage: QuotaUsage): QuotaUsage {
  return { containers: -usage.containers, cpuMillis: -usage.cpuMillis, memory: -usage.memory, disk: -usage.disk };
}
