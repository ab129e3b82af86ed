import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "./keys.ts";
import type { TransactItem } from "./named-transaction.ts";

export type TombstoneKind = "container" | "volume";

export interface Tombstone {
  kind: TombstoneKind;
  uuid: string;
  /** The host the deleted record placed it on, if any. */
  host_id: string | null;
  deleted_at: string;
  /** Epoch seconds: the table's TTL forgets it after. */
  expires_at: number;
}

/**
 * Tombstones of deleted containers and volumes. One is written in the same
 * transaction that deletes the record, so a record is never gone without
 * its tombstone: a host may remove a copy for which it finds one, and keeps
 * (and reports) a copy for which it finds neither record nor tombstone.
 */
export class TombstoneStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly keepDays: number,
  ) {}

  /** When a tombstone left `now` expires (epoch seconds); what else a delete leaves behind goes with it. */
  expiresAt(now = Date.now()): number {
    return Math.floor(now / 1000) + Math.round(this.keepDays * 24 * 3600);
  }

  /** The transaction item leaving a tombstone for a record deleted in the same transaction. */
  putItem(kind: TombstoneKind, uuid: string, hostId: string | null, now = Date.now()): TransactItem {
    const tombstone: Tombstone = {
      kind,
      uuid,
      host_id: hostId,
      deleted_at: new Date(now).toISOString(),
      expires_at: this.expiresAt(now),
    };
    return { Put: { TableName: this.table, Item: { ...keys.tombstone(kind, uuid), ...tombstone } } };
  }

  async get(kind: TombstoneKind, uuid: string): Promise<Tombstone | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.tombstone(kind, uuid), ConsistentRead: true }),
    );
    return result.Item as Tombstone | undefined;
  }
}
