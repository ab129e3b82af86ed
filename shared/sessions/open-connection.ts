import type { SQSClient } from "@aws-sdk/client-sqs";
import { log } from "../log.ts";
import { sendToHost } from "../queue/host-messages.ts";
import type { Stores } from "../store/stores.ts";
import type { SessionConfig } from "./session-config.ts";
import { hashOf, mintSecret, splitToken } from "./tokens.ts";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event.ts";

const REFUSED: WebSocketResult = { statusCode: 403 };

/**
 * `$connect`: a client's one use of its session token, or the agent's
 * connection for a session its client has opened. Everything else is refused
 * before any byte reaches the host. A client's connection tells the host, over
 * its queue, to connect out for the agent's side.
 */
export async function openConnection(
  event: WebSocketEvent,
  sessions: SessionConfig,
  stores: Stores,
  sqs: SQSClient,
): Promise<WebSocketResult> {
  const query = event.queryStringParameters ?? {};
  const connectionId = event.requestContext.connectionId;
  if (query.agent !== undefined) {
    const session = query.session
      ? await stores.sessions.connectAgent(query.session, hashOf(query.agent), connectionId)
      : undefined;
    if (!session) log("warn", "agent connection refused", { session_id: query.session });
    return session ? { statusCode: 200 } : REFUSED;
  }
  const token = splitToken(query.token);
  const agent = mintSecret();
  const now = Date.now();
  const session =
    token && query.container
      ? await stores.sessions.connectClient(
          token.sessionId,
          hashOf(token.secret),
          query.container,
          connectionId,
          agent.hash,
          now,
          sessions.maxSeconds,
        )
      : undefined;
  if (!session) {
    log("warn", "session token refused: unknown, used, expired or for another container", {
      session_id: token?.sessionId,
      container_uuid: query.container,
    });
    return REFUSED;
  }
  const agentUrl = new URL(sessions.websocketUrl!);
  agentUrl.searchParams.set("session", session.session_id);
  agentUrl.searchParams.set("agent", agent.secret);
  await sendToHost(sqs, session.host_queue_url, {
    kind: "open_session",
    session_id: session.session_id,
    request_id: session.request_id,
    container_uuid: session.container_uuid,
    exec_id: session.exec_id,
    agent_url: agentUrl.toString(),
    idle_seconds: sessions.idleSeconds,
    end_by: now + sessions.maxSeconds * 1000,
  });
  return { statusCode: 200, headers: subprotocolOf(event.headers) };
}

/** python-zunclient offers `binary, base64` and insists on one of them back; raw bytes are `binary`. */
function subprotocolOf(headers: Record<string, string> | undefined): Record<string, string> {
  const offered = (headers?.["sec-websocket-protocol"] ?? headers?.["Sec-WebSocket-Protocol"] ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (offered.length === 0) return {};
  return { "Sec-WebSocket-Protocol": offered.includes("binary") ? "binary" : offered[0]! };
}
