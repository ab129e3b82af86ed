import { BerthError, PayloadTooLargeError } from "../../../shared/errors.ts";
import { readCapped } from "./docker-streams.ts";
import type { QueryHandler } from "./query-handler.ts";

/** The largest tar one answer carries once base64-encoded (replies hold 350 KiB). */
const MAX_ARCHIVE_BYTES = 192 * 1024;

/** A path in the container as a base64 tar, with Docker's stat of it. */
export const getArchive: QueryHandler = async ({ docker, dockerId, params, answerBy }) => {
  const path = String(params.path);
  const stat = await docker.archiveStat(dockerId, path);
  const stream = await docker.getArchive(dockerId, path);
  const read = await readCapped(stream, MAX_ARCHIVE_BYTES, answerBy);
  if (read.cut)
    throw new PayloadTooLargeError(
      `The archive of ${path} is over ${MAX_ARCHIVE_BYTES / 1024} KiB, more than one answer carries.`,
    );
  if (read.late)
    throw new BerthError("host_timeout", 504, `The archive of ${path} was not read by the time its answer was due.`);
  return { data: read.buffer.toString("base64"), stat };
};

/** Unpacks a base64 tar into a directory of the container. */
export const putArchive: QueryHandler = async ({ docker, dockerId, params }) => {
  const tar = Buffer.from(String(params.data), "base64");
  await docker.putArchive(dockerId, String(params.path), tar);
  return null;
};
