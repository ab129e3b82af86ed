import { authorize } from "../../../shared/auth/policy.ts";
import { findContainer } from "../../../shared/containers/find-container.ts";
import type { HttpContext, HttpEvent } from "../../../shared/http/context.ts";
import { booleanParameter, pathParameter, queryParameters } from "../../../shared/http/request.ts";
import type { ContainerRecord } from "../../../shared/model/container.ts";

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
  const record = await findContainer(pathParameter(event, "id"), context.caller, context.stores.containers, {
    anyProject,
  });
  return { record, query };
}
