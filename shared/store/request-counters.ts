import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "./keys.ts";

/** One count of a project's requests of one kind, in one fixed window. */
export interface RequestWindow {
  projectId: string;
  kind: string;
  /** Epoch ms of the window's start; the window's item is named by it. */
  startsAt: number;
  /** Epoch seconds after which the table's TTL may forget the window. */
  expiresAt: number;
  limit: number;
}

/**
 * Per-project request counters. Each count is one conditional update, so the
 * limit holds across every concurrent function instance; a window's item
 * carries a TTL and disappears on its own.
 */
export class RequestCounterStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Counts one request in `window`; false (and nothing counted) when the window already holds its limit. */
  async countWithin(window: RequestWindow): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.requestCounter(window.projectId, window.kind, window.startsAt),
          UpdateExpression: "ADD request_count :one SET expires_at = :expires",
          ConditionExpression: "attribute_not_exists(request_count) OR request_count < :limit",
          ExpressionAttributeValues: { ":one": 1, ":expires": window.expiresAt, ":limit": window.limit },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
