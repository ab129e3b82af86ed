import { setTimeout as sleep } from "node:timers/promises";
import { log } from "../log.ts";
import type { Stores } from "../store/stores.ts";
import { ConnectionGoneError, type Connections } from "./connections.ts";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event.ts";

/** How long a client's first keystrokes wait for the host's side to connect. */
const AGENT_WAIT_MS = 10_000;
/** A connection is postable a moment after its `$connect` answers; output that early is retried this long. */
const GONE_RETRY_MS = 1_000;

/** Peers never change once known, and connection ids are never reused: safe to keep per function instance. */
const peers = new Map<string, string>();

/**
 * `$default`: forwards one frame, as raw bytes, to the other side of its
 * session. A frame whose other side is gone closes this side too.
 */
export async function relayFrame(
  event: WebSocketEvent,
  stores: Stores,
  connections: Connections,
): Promise<WebSocketResult> {
  const from = event.requestContext.connectionId;
  const peer = await peerOf(from, stores);
  if (!peer) {
    await connections.close(from);
    return { statusCode: 410 };
  }
  const data = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64") : Buffer.from(event.body ?? "", "utf8");
  const giveUpAt = Date.now() + GONE_RETRY_MS;
  for (;;) {
    try {
      await connections.post(peer, data);
      return { statusCode: 200 };
    } catch (error) {
      if (!(error instanceof ConnectionGoneError)) throw error;
      if (Date.now() > giveUpAt) {
        log("info", "session peer gone; closing", { connection_id: from });
        peers.delete(from);
        await connections.close(from);
        return { statusCode: 410 };
      }
      await sleep(50);
    }
  }
}

async function peerOf(connectionId: string, stores: Stores): Promise<string | undefined> {
  const known = peers.get(connectionId);
  if (known) return known;
  const connection = await stores.sessions.connection(connectionId);
  if (!connection) return undefined;
  const deadline = Date.now() + AGENT_WAIT_MS;
  for (;;) {
    const session = await stores.sessions.get(connection.session_id);
    if (!session || session.ended_at) return undefined;
    const peer = connection.role === "client" ? session.agent_connection : session.client_connection;
    if (peer) {
      peers.set(connectionId, peer);
      return peer;
    }
    if (Date.now() > deadline) return undefined;
    await sleep(50);
  }
}
