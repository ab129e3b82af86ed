import type { QueryHandler } from "./query-handler.ts";
import { collect, demultiplex } from "./docker-streams.ts";

/** Runs a command in the container to completion and answers its output and exit code. */
export const execute: QueryHandler = async ({ docker, dockerId, params }) => {
  const command = params.command as string[];
  const exec = await docker.call("exec create", () =>
    docker.docker.getContainer(dockerId).exec({ Cmd: command, AttachStdout: true, AttachStderr: true, Tty: false }),
  );
  const stream = await docker.call("exec start", () => exec.start({ hijack: true, stdin: false }));
  const output = demultiplex(await collect(stream), false).combined;
  const inspected = await docker.call("exec inspect", () => exec.inspect());
  return { output, exit_code: inspected.ExitCode, exec_id: exec.id, token: null };
};
