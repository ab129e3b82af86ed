import type { SQSClient } from "@aws-sdk/client-sqs";
import { type QueryCaller, queryContainer } from "../containers/host-queries.ts";
import { ConflictError } from "../errors.ts";
import type { ContainerRecord } from "../model/container.ts";
import { allowedStatuses } from "../model/lifecycle.ts";
import type { Stores } from "../store/stores.ts";
import { issueSession } from "./issue-session.ts";

const INTERACTIVE = { allowedIn: allowedStatuses("execute") };

/** GET …/attach: the websocket URL (a JSON string, as python-zunclient expects) of a session on the container's own TTY. */
export async function attachContainer(record: ContainerRecord, asker: QueryCaller, stores: Stores): Promise<string> {
  if (!INTERACTIVE.allowedIn.includes(record.status))
    throw new ConflictError(`Cannot attach to container ${record.uuid} in ${record.status} state.`, "invalid_state");
  if (!record.interactive)
    throw new ConflictError(
      `Container ${record.uuid} is not interactive: create it with interactive (-i) to attach.`,
      "not_interactive",
    );
  return issueSession(
    { record, kind: "attach", action: "container_attach", caller: asker.caller, requestId: asker.requestId },
    asker.config,
    stores,
  );
}

/** POST …/execute?interactive=true: an exec with a TTY, created on the host, and the URL of its session (Zun's `{exec_id, proxy_url}`). */
export async function executeInteractively(
  record: ContainerRecord,
  command: string[],
  asker: QueryCaller,
  stores: Stores,
  sqs: SQSClient,
) {
  const rule = { ...INTERACTIVE, action: "exec_cmd", verb: "execute" };
  const { exec_id } = await queryContainer<{ exec_id: string }>(
    record,
    "create_exec",
    { command },
    rule,
    asker,
    stores,
    sqs,
  );
  const proxyUrl = await issueSession(
    { record, kind: "exec", execId: exec_id, action: "exec_cmd", caller: asker.caller, requestId: asker.requestId },
    asker.config,
    stores,
  );
  return { output: null, exit_code: null, exec_id, proxy_url: proxyUrl };
}

/**
 * POST …/resize?w=&h= and …/execute_resize?exec_id=&w=&h=: the TTY's size,
 * in characters: the container's own (which it must have), or an exec's.
 */
export async function resizeTerminal(
  record: ContainerRecord,
  size: { w: number; h: number },
  execId: string | undefined,
  asker: QueryCaller,
  stores: Stores,
  sqs: SQSClient,
): Promise<void> {
  if (execId === undefined && !record.tty)
    throw new ConflictError(
      `Container ${record.uuid} has no tty to resize: create it with tty (or interactive, from microversion 1.36).`,
      "no_tty",
    );
  const kind = execId ? "resize_exec" : "resize_tty";
  await queryContainer(record, kind, execId ? { ...size, exec_id: execId } : size, INTERACTIVE, asker, stores, sqs);
}
