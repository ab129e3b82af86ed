import { BerthError, PayloadTooLargeError } from "../../../shared/errors.ts";
import { readCapped } from "./docker-streams.ts";
import type { QueryHandler } from "./query-handler.ts";

/** The largest tar one answer carries once base64-encoded (replies hold 350 KiB). */
const MAX_ARCHIVE_BYTES = 192 * 1024;

/** A path in the container as a base64 tar, with Docker's stat of it. */
export const getArchive: QueryHandler = async ({ docker, dockerId, params, answerBy }) => {
  const container = docker.docker.getContainer(dockerId);
  const path = String(params.path);
  const info = (await docker.call("archive stat", () => container.infoArchive({ path }))) as unknown as {
    headers?: Record<string, string>;
  };
  const statHeader = info.headers?.["x-docker-container-path-stat"];
  const stat = statHeader ? JSON.parse(Buffer.from(statHeader, "base64").toString("utf8")) : {};
  const stream = await docker.call("get archive", () => container.getArchive({ path }));
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
  await docker.call("put archive", () =>
    docker.docker.getContainer(dockerId).putArchive(tar, { path: String(params.path) }),
  );
  return null;
};
