import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { HostQuery } from "../queue/host-messages.ts";
import { keys } from "./keys.ts";

/** A host's answer to a query: a JSON value, or an error with an HTTP status. */
export type Reply = { ok: true; value: unknown } | { ok: false; status: number; code: string; message: string };

/** Answers fit in one item (400 KB); larger ones must be cut down by the host. */
export const MAX_REPLY_BYTES = 350 * 1024;
const REPLY_TTL_SECONDS = 3600;

/** Where hosts leave their answers for the function that asked, keyed by request id. */
export class ReplyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Records the question a function is about to send, before it sends it: the
   * host answers only questions it finds here (the queue is only a doorbell),
   * and the answer later replaces it.
   */
  async ask(query: HostQuery): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.reply(query.request_id),
          question: questionDigest(query),
          expires_at: Math.floor(Date.now() / 1000) + REPLY_TTL_SECONDS,
        },
      }),
    );
  }

  /** Whether `query` is exactly a question a function recorded and nobody has answered yet. */
  async wasAsked(query: HostQuery): Promise<boolean> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.reply(query.request_id), ConsistentRead: true }),
    );
    return !!result.Item && !result.Item.body && result.Item.question === questionDigest(query);
  }

  async put(requestId: string, reply: Reply): Promise<void> {
    let body = gzipSync(JSON.stringify(reply));
    if (body.length > MAX_REPLY_BYTES) {
      body = gzipSync(
        JSON.stringify({
          ok: false,
          status: 413,
          code: "reply_too_large",
          message: `The answer is larger than ${MAX_REPLY_BYTES / 1024} KiB.`,
        } satisfies Reply),
      );
    }
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.reply(requestId), body, expires_at: Math.floor(Date.now() / 1000) + REPLY_TTL_SECONDS },
      }),
    );
  }

  async get(requestId: string): Promise<Reply | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.reply(requestId), ConsistentRead: true }),
    );
    if (!result.Item?.body) return undefined;
    return JSON.parse(gunzipSync(result.Item.body as Uint8Array).toString("utf8")) as Reply;
  }
}

/** What identifies a question: everything the host would act on. */
function questionDigest(query: HostQuery): string {
  const { query: kind, container_uuid, params, answer_by } = query;
  return createHash("sha256")
    .update(JSON.stringify([kind, container_uuid, params, answer_by]))
    .digest("hex");
}
