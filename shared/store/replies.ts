import { gunzipSync, gzipSync } from "node:zlib";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { keys } from "./keys.ts";

/** A host's answer to a query: a JSON value, or an error with an HTTP status. */
export type Reply = { ok: true; value: unknown } | { ok: false; status: number; code: string; message: string };

/** Answers fit in one item (400 KB); larger ones must be cut down by the host. */
export const MAX_REPLY_BYTES = 350 * 1024;
const REPLY_TTL_SECONDS = 3600;

/** Where hosts leave their answers for the function that asked, keyed by request id. */
export class ReplyStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async put(requestId: string, reply: Reply): Promise<void> {
    let body = gzipSync(JSON.stringify(reply));
    if (body.length > MAX_REPLY_BYTES) {
      body = gzipSync(JSON.stringify({ ok: false, status: 413, code: "reply_too_large", message: `The answer is larger than ${MAX_REPLY_BYTES / 1024} KiB.` } satisfies Reply));
    }
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.reply(requestId), body, expires_at: Math.floor(Date.now() / 1000) + REPLY_TTL_SECONDS },
      }),
    );
  }

  async get(requestId: string): Promise<Reply | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.reply(requestId), ConsistentRead: true }));
    if (!result.Item) return undefined;
    return JSON.parse(gunzipSync(result.Item.body as Uint8Array).toString("utf8")) as Reply;
  }
}
