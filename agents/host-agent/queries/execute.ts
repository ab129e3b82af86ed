import { BerthError } from "../../../shared/errors.ts";
import { demultiplex, readCapped } from "./docker-streams.ts";
import type { QueryHandler } from "./query-handler.ts";

/** What one execute may answer: as much as a log, so one tenant's output cannot swell its host's memory. */
const MAX_OUTPUT_BYTES = 256 * 1024;

/**
 * Runs a command in the container and answers its output and exit code. The
 * host stops reading at the cap and stops waiting when the answer is due: an
 * endless command then holds none of the host's work slots.
 */
export const execute: QueryHandler = async ({ docker, dockerId, params, answerBy }) => {
  const command = params.command as string[];
  const execId = await docker.createExec(dockerId, {
    Cmd: command,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await docker.startExec(execId, { stdin: false });
  const read = await readCapped(stream, MAX_OUTPUT_BYTES, answerBy);
  if (read.late) {
    throw new BerthError(
      "host_timeout",
      504,
      "The command was still running when its answer was due; the host stopped waiting for it.",
    );
  }
  let output = demultiplex(read.buffer, false).combined;
  if (read.cut) output += `\n[output cut at ${MAX_OUTPUT_BYTES / 1024} KiB]`;
  const inspected = await docker.inspectExec(execId);
  return { output, exit_code: inspected.ExitCode, exec_id: execId, token: null };
};
