import type { QueryHandler } from "./query-handler.ts";
import { collect } from "./docker-streams.ts";

/** A path in the container as a base64 tar, with Docker's stat of it. */
export const getArchive: QueryHandler = async ({ docker, dockerId, params }) => {
  const container = docker.docker.getContainer(dockerId);
  const path = String(params.path);
  const info = (await docker.call("archive stat", () => container.infoArchive({ path }))) as unknown as { headers?: Record<string, string> };
  const statHeader = info.headers?.["x-docker-container-path-stat"];
  const stat = statHeader ? JSON.parse(Buffer.from(statHeader, "base64").toString("utf8")) : {};
  const stream = await docker.call("get archive", () => container.getArchive({ path }));
  const tar = await collect(stream);
  return { data: tar.toString("base64"), stat };
};

/** Unpacks a base64 tar into a directory of the container. */
export const putArchive: QueryHandler = async ({ docker, dockerId, params }) => {
  const tar = Buffer.from(String(params.data), "base64");
  await docker.call("put archive", () => docker.docker.getContainer(dockerId).putArchive(tar, { path: String(params.path) }));
  return null;
};
