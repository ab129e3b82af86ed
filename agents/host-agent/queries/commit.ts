import { isNotFound } from "../docker/docker-errors.ts";
import type { QueryHandler } from "./query-handler.ts";

/**
 * Snapshots the container into an image on this host, labelled with its
 * project; answers the image's id as `uuid`. The API names the image in the
 * project's namespace; a tag there that some other project's image holds is
 * still never replaced.
 */
export const commit: QueryHandler = async ({ docker, dockerId, params, record }) => {
  const repo = String(params.repository);
  const tag = typeof params.tag === "string" ? params.tag : "latest";
  const project = record.project_id;
  const existing = await docker.inspectImage(`${repo}:${tag}`).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (existing && existing.Config?.Labels?.["berth.project"] !== project)
    throw new Error(`${repo}:${tag} belongs to another project's image; choose another tag`);
  const changes = `LABEL berth.project=${JSON.stringify(project)}`;
  const imageId = await docker.commit(dockerId, { repo, tag, changes });
  return { uuid: imageId, repository: repo, tag };
};
