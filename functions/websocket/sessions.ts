import { dependencies } from "../../shared/dependencies.ts";
import { closeSession } from "../../shared/sessions/close-session.ts";
import { connectionsFor } from "../../shared/sessions/connections.ts";
import { openConnection } from "../../shared/sessions/open-connection.ts";
import { relayFrame } from "../../shared/sessions/relay-frame.ts";
import { readSessionConfig } from "../../shared/sessions/session-config.ts";
import type { WebSocketEvent } from "../../shared/sessions/websocket-event.ts";

function setup() {
  const { config, stores, sqs } = dependencies();
  const sessions = readSessionConfig();
  if (!sessions.managementUrl) throw new Error("configuration: BERTH_WEBSOCKET_MANAGEMENT_URL is not set");
  return { sessions, stores, sqs, connections: connectionsFor(sessions.managementUrl, config.region) };
}

/** WebSocket API `$connect`. */
export const connect = async (event: WebSocketEvent) => {
  const { sessions, stores, sqs } = setup();
  return openConnection(event, sessions, stores, sqs);
};

/** WebSocket API `$default`: one frame of a session. */
export const relay = async (event: WebSocketEvent) => {
  const { stores, connections } = setup();
  return relayFrame(event, stores, connections);
};

/** WebSocket API `$disconnect`. */
export const disconnect = async (event: WebSocketEvent) => {
  const { stores, connections } = setup();
  return closeSession(event, stores, connections);
};
