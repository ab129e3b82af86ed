import { BerthError, InvalidFieldError } from "../../../shared/errors.ts";
import { pendingExecSizes } from "../sessions/pending-sizes.ts";
import type { QueryHandler } from "./query-handler.ts";

/**
 * An exec with a TTY and stdin, created but not started: it starts when its
 * session's agent side connects, so nothing runs for a URL never opened.
 */
export const createExec: QueryHandler = async ({ docker, dockerId, params }) => {
  const exec = await docker.call("exec create", () =>
    docker.docker
      .getContainer(dockerId)
      .exec({ Cmd: params.command as string[], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true }),
  );
  return { exec_id: exec.id };
};

export const resizeTty: QueryHandler = async ({ docker, dockerId, params }) => {
  await docker.call("resize", () =>
    docker.docker.getContainer(dockerId).resize({ h: params.h as number, w: params.w as number }),
  );
  return null;
};

/** An exec is resized only through the container it belongs to. */
export const resizeExec: QueryHandler = async ({ docker, dockerId, params }) => {
  const exec = docker.docker.getExec(params.exec_id as string);
  const inspected = await docker.call("exec inspect", () => exec.inspect());
  const container = await docker.inspect(dockerId);
  if (!container || inspected.ContainerID !== container.Id)
    throw new InvalidFieldError("exec_id", `${params.exec_id} is not an exec of this container`);
  const size = { h: params.h as number, w: params.w as number };
  if (!inspected.Running && inspected.Pid === 0) {
    pendingExecSizes.set(exec.id, size);
    return null;
  }
  if (!inspected.Running) throw new BerthError("conflict", 409, `Exec ${params.exec_id} has ended.`);
  await docker.call("exec resize", () => exec.resize(size));
  return null;
};
