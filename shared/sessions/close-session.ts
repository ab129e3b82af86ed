import { log } from "../log.ts";
import type { Stores } from "../store/stores.ts";
import type { Connections } from "./connections.ts";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event.ts";

/**
 * `$disconnect`: whichever side leaves first ends the session (once), closes
 * the other side, and records the session in the container's action log.
 */
export async function closeSession(
  event: WebSocketEvent,
  stores: Stores,
  connections: Connections,
): Promise<WebSocketResult> {
  const connection = await stores.sessions.connection(event.requestContext.connectionId);
  if (!connection) return { statusCode: 200 };
  const now = Date.now();
  const session = await stores.sessions.end(connection.session_id, now);
  if (!session) return { statusCode: 200 };
  const peer = connection.role === "client" ? session.agent_connection : session.client_connection;
  if (peer)
    await connections
      .close(peer)
      .catch((error) =>
        log("warn", "could not close a session's other side", { session_id: session.session_id, error }),
      );
  const started = new Date(session.connected_at ?? now).toISOString();
  await stores.actions
    .record(
      session.container_uuid,
      session.request_id,
      {
        event: session.kind === "attach" ? "compute__do_container_attach" : "compute__do_container_exec_session",
        start_time: started,
        finish_time: new Date(now).toISOString(),
        result: "Success",
        traceback: null,
        details: {
          session_id: session.session_id,
          exec_id: session.exec_id,
          closed_by: connection.role,
          seconds: Math.round((now - (session.connected_at ?? now)) / 1000),
        },
      },
      { message: null },
    )
    .catch((error) => log("warn", "could not record a session's end", { session_id: session.session_id, error }));
  log("info", "session ended", { session_id: session.session_id, closed_by: connection.role });
  return { statusCode: 200 };
}
