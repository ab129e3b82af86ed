import { createHash } from "node:crypto";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { GroupRecord } from "../model/group.ts";
import { UUID_PATTERN } from "../uuid.ts";
import { GSI1, keys } from "./keys.ts";
import { queryAll } from "./query-all.ts";
import { appliedIfConditionHolds } from "./transactions.ts";

/** A group as placement reads it: the record and how many members each host holds. */
export interface GroupState {
  group: GroupRecord;
  membersOnHost: Record<string, number>;
}

export class GroupStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Stores a new group; false when one with its uuid exists already. */
  async create(group: GroupRecord): Promise<boolean> {
    return appliedIfConditionHolds(
      this.db,
      new PutCommand({
        TableName: this.table,
        Item: {
          ...group,
          ...keys.group(group.uuid),
          gsi1pk: keys.projectGroups(group.project_id),
          gsi1sk: `${group.created_at}#${group.uuid}`,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async get(uuid: string): Promise<GroupRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.group(uuid), ConsistentRead: true }),
    );
    return result.Item as GroupRecord | undefined;
  }

  /** A project's groups, oldest first. */
  listByProject(projectId: string): Promise<GroupRecord[]> {
    return queryAll<GroupRecord>(this.db, {
      TableName: this.table,
      IndexName: GSI1,
      KeyConditionExpression: "gsi1pk = :p",
      ExpressionAttributeValues: { ":p": keys.projectGroups(projectId) },
    });
  }

  /**
   * A project's group, with its per-host counts, by uuid or else as the
   * implicit group of that name (one query either way), else the one explicit
   * group of that name; "ambiguous" when several share it.
   */
  async find(projectId: string, uuidOrName: string): Promise<GroupState | "ambiguous" | undefined> {
    const direct = await this.state(
      UUID_PATTERN.test(uuidOrName) ? uuidOrName : implicitGroupUuid(projectId, uuidOrName),
    );
    if (direct?.group.project_id === projectId) return direct;
    if (UUID_PATTERN.test(uuidOrName)) return undefined;
    const named = (await this.listByProject(projectId)).filter((group) => group.name === uuidOrName);
    if (named.length > 1) return "ambiguous";
    return named[0] ? await this.state(named[0].uuid) : undefined;
  }

  /** The group and its per-host member counts, read consistently in one query of its partition. */
  async state(uuid: string): Promise<GroupState | undefined> {
    const items = await queryAll<Record<string, unknown>>(this.db, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.group(uuid).pk },
      ConsistentRead: true,
    });
    const group = items.find((item) => item.sk === keys.group(uuid).sk) as GroupRecord | undefined;
    if (!group) return undefined;
    const prefix = keys.groupHostPrefix();
    const membersOnHost: Record<string, number> = {};
    for (const item of items) {
      const sk = item.sk as string;
      const count = Number(item.member_count ?? 0);
      if (sk.startsWith(prefix) && count > 0) membersOnHost[sk.slice(prefix.length)] = count;
    }
    return { group, membersOnHost };
  }

  /**
   * Deletes a group that has no members (the condition holds it against a
   * concurrent join), then its per-host counts, all zero by then.
   * Returns false when it still has members.
   */
  async deleteIfEmpty(uuid: string): Promise<boolean> {
    const deleted = await appliedIfConditionHolds(
      this.db,
      new DeleteCommand({
        TableName: this.table,
        Key: keys.group(uuid),
        ConditionExpression: "attribute_not_exists(members)",
      }),
    );
    if (!deleted) return false;
    const counts = await queryAll<{ pk: string; sk: string }>(this.db, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.group(uuid).pk, ":prefix": keys.groupHostPrefix() },
      ProjectionExpression: "pk, sk",
    });
    for (const count of counts)
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: count.pk, sk: count.sk } }));
    return true;
  }
}

/**
 * The uuid of the group a `group_policy` hint makes for a name in a project:
 * derived from both, so concurrent first uses make the same group.
 */
export function implicitGroupUuid(projectId: string, name: string): string {
  const hex = createHash("sha256").update(`implicit-group\n${projectId}\n${name}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
