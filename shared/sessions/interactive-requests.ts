import { queryCallerOf, queryContainer } from "../containers/host-queries.ts";
import type { ContainerRecord } from "../containers/record.ts";
import { ConflictError, InvalidFieldError } from "../errors.ts";
import type { HttpContext } from "../http/context.ts";
import { integerParameter, stringParameter } from "../http/request.ts";
import { allowedStatuses } from "../model/lifecycle.ts";
import { sqsClientFor } from "../store/clients.ts";
import { storesFor } from "../store/stores.ts";
import { issueSession } from "./issue-session.ts";

const INTERACTIVE = { allowedIn: allowedStatuses("execute") };

/** GET …/attach: the websocket URL (a JSON string, as python-zunclient expects) of a session on the container's own TTY. */
export async function attachContainer(record: ContainerRecord, context: HttpContext): Promise<string> {
  if (!INTERACTIVE.allowedIn.includes(record.status))
    throw new ConflictError(`Cannot attach to container ${record.uuid} in ${record.status} state.`, "invalid_state");
  if (!record.interactive)
    throw new ConflictError(
      `Container ${record.uuid} is not interactive: create it with interactive (-i) to attach.`,
      "not_interactive",
    );
  return issueSession(
    { record, kind: "attach", action: "container_attach", caller: context.caller, requestId: context.requestId },
    context.config,
    storesFor(context.config),
  );
}

/** POST …/execute?interactive=true: an exec with a TTY, created on the host, and the URL of its session (Zun's `{exec_id, proxy_url}`). */
export async function executeInteractively(record: ContainerRecord, command: string[], context: HttpContext) {
  const stores = storesFor(context.config);
  const rule = { ...INTERACTIVE, action: "exec_cmd", verb: "execute" };
  const { exec_id } = await queryContainer<{ exec_id: string }>(
    record,
    "create_exec",
    { command },
    rule,
    queryCallerOf(context),
    stores,
    sqsClientFor(context.config),
  );
  const proxyUrl = await issueSession(
    { record, kind: "exec", execId: exec_id, action: "exec_cmd", caller: context.caller, requestId: context.requestId },
    context.config,
    stores,
  );
  return { output: null, exit_code: null, exec_id, proxy_url: proxyUrl };
}

/** POST …/resize?w=&h= and …/execute_resize?exec_id=&w=&h=: the TTY's size, in characters. */
export async function resizeTerminal(
  record: ContainerRecord,
  query: Record<string, string>,
  context: HttpContext,
  of: "container" | "exec",
): Promise<void> {
  const size = { w: requiredSize(query, "w"), h: requiredSize(query, "h") };
  if (of === "container" && !record.tty)
    throw new ConflictError(
      `Container ${record.uuid} has no tty to resize: create it with tty (or interactive, from microversion 1.36).`,
      "no_tty",
    );
  const execId = of === "exec" ? stringParameter(query, "exec_id") : undefined;
  if (of === "exec" && !/^[0-9a-f]{64}$/.test(execId ?? ""))
    throw new InvalidFieldError("exec_id", "is required: the exec_id an interactive execute returned");
  const kind = execId ? "resize_exec" : "resize_tty";
  await queryContainer(
    record,
    kind,
    execId ? { ...size, exec_id: execId } : size,
    INTERACTIVE,
    queryCallerOf(context),
    storesFor(context.config),
    sqsClientFor(context.config),
  );
}

function requiredSize(query: Record<string, string>, name: "w" | "h"): number {
  const value = integerParameter(query, name, 1, 10_000);
  if (value === undefined) throw new InvalidFieldError(name, "is required: the terminal's size in characters");
  return value;
}
