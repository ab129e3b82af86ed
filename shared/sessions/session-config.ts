import { positiveNumber } from "../env-values.ts";

/** Interactive sessions' settings, read from the environment when a function or agent needs them. */
export interface SessionConfig {
  /** Where clients and agents open websockets (API Gateway WebSocket API's wss:// stage URL). */
  websocketUrl: string | undefined;
  /** Its management API (https://…/stage), where functions post to connections. */
  managementUrl: string | undefined;
  /** How long a session's URL may wait for its one use. */
  tokenSeconds: number;
  /** A session with no byte either way this long is closed. */
  idleSeconds: number;
  /** No session lasts longer than this. */
  maxSeconds: number;
  /** Open (or issued, not yet used) sessions a project may hold at once. */
  projectLimit: number;
}

export function readSessionConfig(env: NodeJS.ProcessEnv = process.env): SessionConfig {
  return {
    websocketUrl: env.BERTH_WEBSOCKET_URL || undefined,
    managementUrl: env.BERTH_WEBSOCKET_MANAGEMENT_URL || undefined,
    tokenSeconds: positiveNumber(env, "BERTH_SESSION_TOKEN_SECONDS", 30),
    idleSeconds: positiveNumber(env, "BERTH_SESSION_IDLE_SECONDS", 900),
    maxSeconds: positiveNumber(env, "BERTH_SESSION_MAX_SECONDS", 4 * 3600),
    projectLimit: positiveNumber(env, "BERTH_SESSION_PROJECT_LIMIT", 10),
  };
}
