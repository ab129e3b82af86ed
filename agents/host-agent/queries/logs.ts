import { demultiplex } from "./docker-streams.ts";
import type { QueryHandler } from "./query-handler.ts";

/** Most of a container's log that fits in one reply; older lines are cut first. */
const MAX_LOG_CHARS = 256 * 1024;

/** The container's log as one string, as Zun's `logs` answers it. */
export const logs: QueryHandler = async ({ docker, dockerId, record, params }) => {
  const tail = params.tail === undefined || params.tail === "all" ? "all" : Number(params.tail);
  const buffer = await docker.call(
    "logs",
    () =>
      docker.docker.getContainer(dockerId).logs({
        stdout: params.stdout !== false,
        stderr: params.stderr !== false,
        timestamps: params.timestamps === true,
        tail: tail as number,
        since: typeof params.since === "number" ? params.since : 0,
        follow: false,
      }) as unknown as Promise<Buffer>,
  );
  const text = demultiplex(Buffer.from(buffer), record.tty).combined;
  return text.length > MAX_LOG_CHARS ? text.slice(text.length - MAX_LOG_CHARS) : text;
};
