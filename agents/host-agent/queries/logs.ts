import { demultiplex } from "./docker-streams.ts";
import type { QueryHandler } from "./query-handler.ts";

/** Most of a container's log that fits in one reply; older lines are cut first. */
const MAX_LOG_CHARS = 256 * 1024;

/** The container's log as one string, as Zun's `logs` answers it. */
export const logs: QueryHandler = async ({ docker, dockerId, record, params }) => {
  const tail = params.tail === undefined || params.tail === "all" ? "all" : Number(params.tail);
  const buffer = await docker.logs(dockerId, {
    stdout: params.stdout !== false,
    stderr: params.stderr !== false,
    timestamps: params.timestamps === true,
    tail,
    since: typeof params.since === "number" ? params.since : 0,
  });
  const text = demultiplex(buffer, record.tty).combined;
  return text.length > MAX_LOG_CHARS ? text.slice(text.length - MAX_LOG_CHARS) : text;
};
