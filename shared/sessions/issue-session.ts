import { randomUUID } from "node:crypto";
import type { Identity } from "../auth/identity.ts";
import type { BerthConfig } from "../config.ts";
import { ConflictError, ForbiddenError, HostUnavailableError, NotImplementedError } from "../errors.ts";
import type { ContainerRecord } from "../model/container.ts";
import { isHostUp } from "../model/host.ts";
import { newAction } from "../store/actions.ts";
import type { Stores } from "../store/stores.ts";
import { readSessionConfig } from "./session-config.ts";
import { mintSecret } from "./tokens.ts";

export interface SessionRequest {
  record: ContainerRecord;
  kind: "attach" | "exec";
  execId?: string;
  /** The action log entry the session belongs to; `container_attach` is started here, `exec_cmd` by its exec. */
  action: "container_attach" | "exec_cmd";
  caller: Identity;
  requestId: string;
}

/**
 * Issues a session and the websocket URL that opens it: the URL's token is
 * single-use, expires after BERTH_SESSION_TOKEN_SECONDS, and is bound to this
 * container (and exec), project and user. A project holds at most
 * BERTH_SESSION_PROJECT_LIMIT sessions at once.
 */
export async function issueSession(request: SessionRequest, config: BerthConfig, stores: Stores): Promise<string> {
  const sessions = readSessionConfig();
  if (!sessions.websocketUrl)
    throw new NotImplementedError(
      "Interactive sessions are not configured on this stage (BERTH_WEBSOCKET_URL is unset).",
    );
  const { record, caller } = request;
  const host = record.host_id ? await stores.hosts.get(record.host_id) : undefined;
  if (!host) throw new ConflictError(`Container ${record.uuid} has no host (status ${record.status}).`, "no_host");
  if (!isHostUp(host, config.hostDownAfterSeconds) || host.forced_down)
    throw new HostUnavailableError(host.hostname, "is down");
  const now = Date.now();
  const open = await stores.sessions.countLive(record.project_id, now);
  if (open >= sessions.projectLimit) {
    throw new ForbiddenError(
      `Quota exceeded for interactive sessions: project ${record.project_id} has ${open} open, the limit is ${sessions.projectLimit}.`,
    );
  }
  const client = mintSecret();
  const sessionId = randomUUID();
  const tokenExpiresAt = now + sessions.tokenSeconds * 1000;
  if (request.action === "container_attach") {
    await stores.actions.start(
      newAction(
        {
          action: request.action,
          container_uuid: record.uuid,
          request_id: request.requestId,
          user_id: caller.userId,
          project_id: record.project_id,
        },
        new Date(now).toISOString(),
      ),
    );
  }
  await stores.sessions.issue({
    session_id: sessionId,
    kind: request.kind,
    container_uuid: record.uuid,
    exec_id: request.execId,
    project_id: record.project_id,
    user_id: caller.userId,
    request_id: request.requestId,
    action: request.action,
    host_queue_url: host.queue_url,
    client_token_hash: client.hash,
    token_expires_at: tokenExpiresAt,
    live_until: tokenExpiresAt,
  });
  const url = new URL(sessions.websocketUrl);
  url.searchParams.set("token", `${sessionId}.${client.secret}`);
  url.searchParams.set("container", record.uuid);
  return url.toString();
}
