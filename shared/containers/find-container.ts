import type { Identity } from "../auth/identity.ts";
import { authorize } from "../auth/policy.ts";
import { NotFoundError } from "../errors.ts";
import type { HttpContext, HttpEvent } from "../http/context.ts";
import { booleanParameter, pathParameter, queryParameters } from "../http/request.ts";
import type { ContainerStore } from "../store/containers.ts";
import { storesFor } from "../store/stores.ts";
import { UUID_PATTERN } from "../uuid.ts";
import type { ContainerRecord } from "./record.ts";

/**
 * Finds a container by uuid or by name within the caller's project. Another
 * project's container is reported as missing, never as forbidden; an admin
 * asking with `anyProject` may reach any container by its uuid.
 */
export async function findContainer(
  id: string,
  identity: Identity,
  containers: ContainerStore,
  options: { anyProject?: boolean } = {},
): Promise<ContainerRecord> {
  const uuid = UUID_PATTERN.test(id) ? id.toLowerCase() : await containers.findUuidByName(identity.projectId, id);
  const record = uuid ? await containers.get(uuid) : undefined;
  if (!record || (record.project_id !== identity.projectId && !options.anyProject))
    throw new NotFoundError(`Container ${id} could not be found.`);
  return record;
}

/**
 * The container a `/v1/containers/{id}/…` request names, with the request's
 * query parameters checked against `allowed` (plus `all_projects`, for admins).
 */
export async function containerOfRequest(
  event: HttpEvent,
  context: HttpContext,
  allowed: readonly string[],
): Promise<{ record: ContainerRecord; query: Record<string, string> }> {
  const query = queryParameters(event, [...allowed, "all_projects"]);
  const anyProject = booleanParameter(query, "all_projects");
  if (anyProject) authorize(context.caller, "container:get_one_all_projects");
  const record = await findContainer(pathParameter(event, "id"), context.caller, storesFor(context.config).containers, {
    anyProject,
  });
  return { record, query };
}
