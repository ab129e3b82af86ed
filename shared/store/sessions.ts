import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { GSI1, keys } from "./keys.ts";

/** One interactive session: a container's attach, or one exec, for one user of one project. */
export interface SessionRecord {
  session_id: string;
  kind: "attach" | "exec";
  container_uuid: string;
  exec_id?: string;
  project_id: string;
  user_id: string;
  /** The request that issued it: its action in the container's log. */
  request_id: string;
  action: string;
  host_queue_url: string;
  client_token_hash: string;
  /** Minted when the client connects; its secret travels only in the host's queue message. */
  agent_token_hash?: string;
  /** Epoch ms: the client's token is refused after this. */
  token_expires_at: number;
  /** Epoch ms: the session counts against its project until then (or until it ends). */
  live_until: number;
  client_connection?: string;
  agent_connection?: string;
  connected_at?: number;
  ended_at?: number;
}

export interface SessionConnection {
  connection_id: string;
  session_id: string;
  role: "client" | "agent";
}

const RECORD_TTL_SECONDS = 2 * 24 * 3600;

/** Sessions and their websocket connections; a token is used at most once, by condition. */
export class SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async issue(session: SessionRecord): Promise<void> {
    const item = {
      ...keys.session(session.session_id),
      ...keys.liveSessionOf(session.project_id, session.session_id),
      ...session,
      expires_at: ttl(),
    };
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: item, ConditionExpression: "attribute_not_exists(pk)" }),
    );
  }

  /** Sessions of a project that are open or may still be opened (the sparse index holds only those). */
  async countLive(projectId: string, now: number): Promise<number> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI1,
        KeyConditionExpression: "gsi1pk = :pk",
        FilterExpression: "live_until > :now",
        ExpressionAttributeValues: { ":pk": keys.liveSessionsOf(projectId), ":now": now },
        Select: "COUNT",
      }),
    );
    return result.Count ?? 0;
  }

  /** The client's one use of its token, for this container, before it expires; undefined when refused. */
  async connectClient(
    sessionId: string,
    hash: string,
    containerUuid: string,
    connectionId: string,
    agentHash: string,
    now: number,
    maxSeconds: number,
  ): Promise<SessionRecord | undefined> {
    return this.claim(
      sessionId,
      "SET client_connection = :connection, connected_at = :now, live_until = :until, agent_token_hash = :agent",
      "client_token_hash = :hash AND container_uuid = :container AND attribute_not_exists(client_connection) AND attribute_not_exists(ended_at) AND token_expires_at > :now",
      {
        ":connection": connectionId,
        ":now": now,
        ":until": now + maxSeconds * 1000,
        ":hash": hash,
        ":container": containerUuid,
        ":agent": agentHash,
      },
      { connection_id: connectionId, session_id: sessionId, role: "client" },
    );
  }

  /** The agent's one connection, only for a session its client has opened and not left. */
  async connectAgent(sessionId: string, hash: string, connectionId: string): Promise<SessionRecord | undefined> {
    return this.claim(
      sessionId,
      "SET agent_connection = :connection",
      "agent_token_hash = :hash AND attribute_exists(client_connection) AND attribute_not_exists(agent_connection) AND attribute_not_exists(ended_at)",
      { ":connection": connectionId, ":hash": hash },
      { connection_id: connectionId, session_id: sessionId, role: "agent" },
    );
  }

  /** Ends a session once; the first caller gets the record, later ones undefined. */
  async end(sessionId: string, now: number): Promise<SessionRecord | undefined> {
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.session(sessionId),
          UpdateExpression: "SET ended_at = :now REMOVE gsi1pk, gsi1sk",
          ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(ended_at)",
          ExpressionAttributeValues: { ":now": now },
          ReturnValues: "ALL_NEW",
        }),
      );
      return result.Attributes as SessionRecord;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async get(sessionId: string): Promise<SessionRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.session(sessionId), ConsistentRead: true }),
    );
    return result.Item as SessionRecord | undefined;
  }

  async connection(connectionId: string): Promise<SessionConnection | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.sessionConnection(connectionId) }),
    );
    return result.Item as SessionConnection | undefined;
  }

  private async claim(
    sessionId: string,
    update: string,
    condition: string,
    values: Record<string, unknown>,
    connection: SessionConnection,
  ): Promise<SessionRecord | undefined> {
    let session: SessionRecord;
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.session(sessionId),
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      session = result.Attributes as SessionRecord;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.sessionConnection(connection.connection_id), ...connection, expires_at: ttl() },
      }),
    );
    return session;
  }
}

function ttl(): number {
  return Math.floor(Date.now() / 1000) + RECORD_TTL_SECONDS;
}
