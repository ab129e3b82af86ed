import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "./keys.ts";
import type { TransactItem } from "./named-transaction.ts";

/** How an action's event ended, as Zun's action log says it. */
export type ActionResult = "Success" | "Error";

export interface ActionEvent {
  event: string;
  start_time: string;
  finish_time: string | null;
  result: ActionResult | null;
  traceback: string | null;
  details?: Record<string, unknown>;
}

/** One user request against a container, as Zun's action log shows it. */
export interface ActionRecord {
  action: string;
  container_uuid: string;
  request_id: string;
  user_id: string;
  project_id: string;
  start_time: string;
  finish_time: string | null;
  message: string | null;
  events: ActionEvent[];
}

export function newAction(
  fields: Pick<ActionRecord, "action" | "container_uuid" | "request_id" | "user_id" | "project_id">,
  now: string,
  events: ActionEvent[] = [],
): ActionRecord & { pk: string; sk: string } {
  return {
    ...keys.action(fields.container_uuid, fields.request_id),
    ...fields,
    start_time: now,
    finish_time: null,
    message: null,
    events,
  };
}

/** How many action expiries are written in parallel. */
const EXPIRIES_AT_ONCE = 10;

/** An action's record, put only if it is new: the one Put item every transaction that starts an action holds. */
export function actionPut(
  table: string,
  action: ActionRecord,
): TransactItem & { Put: NonNullable<TransactItem["Put"]> } {
  return {
    Put: {
      TableName: table,
      Item: action as unknown as Record<string, unknown>,
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

/** Events to add to an action already recorded (a reschedule's attempts, added to its create). */
export interface ActionEvents {
  appendTo: Pick<ActionRecord, "container_uuid" | "request_id">;
  events: ActionEvent[];
}

/** The transaction item that records `action`: a new action whole, or events added to one already recorded. */
export function actionItem(table: string, action: ActionRecord | ActionEvents): TransactItem {
  if (!("appendTo" in action)) return actionPut(table, action);
  return {
    Update: {
      TableName: table,
      Key: keys.action(action.appendTo.container_uuid, action.appendTo.request_id),
      UpdateExpression: "SET events = list_append(if_not_exists(events, :empty), :events)",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":empty": [], ":events": action.events },
    },
  };
}

export class ActionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async start(action: ActionRecord): Promise<void> {
    await this.db.send(new PutCommand(actionPut(this.table, action).Put));
  }

  /** Appends an event and, when `finish` is given, closes the action with its outcome. */
  async record(
    containerUuid: string,
    requestId: string,
    event: ActionEvent,
    finish?: { message: string | null },
  ): Promise<void> {
    const sets = ["events = list_append(if_not_exists(events, :empty), :event)"];
    const values: Record<string, unknown> = { ":empty": [], ":event": [event] };
    if (finish) {
      sets.push("finish_time = :finish", "message = :message");
      values[":finish"] = event.finish_time ?? new Date().toISOString();
      values[":message"] = finish.message;
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.action(containerUuid, requestId),
        UpdateExpression: `SET ${sets.join(", ")}`,
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Gives every action of a deleted container an expiry, so the table's TTL
   * forgets the log with the container's tombstone. Idempotent: a retried
   * delete sets the same kind of expiry again, and an action already gone
   * is not brought back.
   */
  async expireAll(containerUuid: string, expiresAt: number): Promise<void> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": keys.container(containerUuid).pk, ":prefix": keys.actionPrefix },
          ProjectionExpression: "pk, sk",
          ExclusiveStartKey: start,
        }),
      );
      const items = page.Items ?? [];
      for (let index = 0; index < items.length; index += EXPIRIES_AT_ONCE) {
        await Promise.all(items.slice(index, index + EXPIRIES_AT_ONCE).map((item) => this.expire(item, expiresAt)));
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }

  private async expire(key: Record<string, unknown>, expiresAt: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: "SET expires_at = :expires",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":expires": expiresAt },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async get(containerUuid: string, requestId: string): Promise<ActionRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.action(containerUuid, requestId) }),
    );
    return result.Item as ActionRecord | undefined;
  }

  async list(containerUuid: string): Promise<ActionRecord[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": keys.container(containerUuid).pk, ":prefix": keys.actionPrefix },
      }),
    );
    return ((result.Items ?? []) as ActionRecord[]).sort((a, b) => a.start_time.localeCompare(b.start_time));
  }
}
