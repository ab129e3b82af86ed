import { BerthError, InvalidFieldError } from "../../../shared/errors.ts";
import { pendingExecSizes } from "../sessions/pending-sizes.ts";
import type { QueryHandler } from "./query-handler.ts";

/**
 * An exec with a TTY and stdin, created but not started: it starts when its
 * session's agent side connects, so nothing runs for a URL never opened.
 */
export const createExec: QueryHandler = async ({ docker, dockerId, params }) => {
  const execId = await docker.createExec(dockerId, {
    Cmd: params.command as string[],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
  });
  return { exec_id: execId };
};

export const resizeTty: QueryHandler = async ({ docker, dockerId, params }) => {
  await docker.resize(dockerId, { h: params.h as number, w: params.w as number });
  return null;
};

/** An exec is resized only through the container it belongs to. */
export const resizeExec: QueryHandler = async ({ docker, dockerId, params }) => {
  const execId = params.exec_id as string;
  const inspected = await docker.inspectExec(execId);
  const container = await docker.inspect(dockerId);
  if (!container || inspected.ContainerID !== container.Id)
    throw new InvalidFieldError("exec_id", `${params.exec_id} is not an exec of this container`);
  const size = { h: params.h as number, w: params.w as number };
  if (!inspected.Running && inspected.Pid === 0) {
    pendingExecSizes.set(execId, size);
    return null;
  }
  if (!inspected.Running) throw new BerthError("conflict", 409, `Exec ${params.exec_id} has ended.`);
  await docker.resizeExec(execId, size);
  return null;
};
