import type { QueryHandler } from "./query-handler.ts";

/** Snapshots the container into an image on this host; answers the image's id as `uuid`. */
export const commit: QueryHandler = async ({ docker, dockerId, params }) => {
  const repo = String(params.repository);
  const tag = typeof params.tag === "string" ? params.tag : "latest";
  const image = (await docker.call("commit", () => docker.docker.getContainer(dockerId).commit({ repo, tag }), 5 * 60_000)) as { Id: string };
  return { uuid: image.Id, repository: repo, tag };
};
