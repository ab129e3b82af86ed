import { authorize } from "../../shared/auth/policy.ts";
import { createCapsule } from "../../shared/capsules/create-capsule.ts";
import { deleteCapsule } from "../../shared/capsules/delete-capsule.ts";
import { findCapsule } from "../../shared/capsules/find-capsule.ts";
import { validateCapsuleBody } from "../../shared/capsules/validate-template.ts";
import { capsuleView } from "../../shared/capsules/view.ts";
import { httpHandler } from "../../shared/http/handler.ts";
import { baseUrlOf, booleanParameter, pathParameter, queryParameters } from "../../shared/http/request.ts";
import { json, noContent } from "../../shared/http/responses.ts";

/** POST /v1/capsules: validate the template, place the whole capsule on one host atomically, hand it to that host. */
export const create = httpHandler(async (event, { config, stores, sqs, caller, requestId, body, apiVersion }) => {
  queryParameters(event, []);
  const spec = validateCapsuleBody(body);
  const record = await createCapsule(spec, { caller, requestId, config }, stores, sqs);
  const base = baseUrlOf(event);
  return json(202, capsuleView(record, base, apiVersion), { location: `${base}/v1/capsules/${record.uuid}` });
});

/** GET /v1/capsules[?all_projects=true]: the project's capsules (every project's, for an admin asking). */
export const list = httpHandler(async (event, { stores, caller, apiVersion }) => {
  const query = queryParameters(event, ["all_projects", "limit", "marker", "sort_key", "sort_dir"]);
  const allProjects = booleanParameter(query, "all_projects");
  if (allProjects) authorize(caller, "capsule:get_all_all_projects");
  const capsules = allProjects
    ? await stores.capsules.listAll()
    : await stores.capsules.listByProject(caller.projectId);
  return json(200, {
    capsules: capsules.map((capsule) => capsuleView(capsule, baseUrlOf(event), apiVersion)),
    next: null,
  });
});

/** GET /v1/capsules/{id}: by uuid or name. */
export const show = httpHandler(async (event, { stores, caller, apiVersion }) => {
  const query = queryParameters(event, ["all_projects"]);
  const record = await findCapsule(pathParameter(event, "id"), caller, stores.capsules, {
    allProjects: booleanParameter(query, "all_projects"),
  });
  return json(200, capsuleView(record, baseUrlOf(event), apiVersion));
});

/** DELETE /v1/capsules/{id}: 204; the host removes every part, then the claim is released once. */
export const remove = httpHandler(async (event, { stores, sqs, caller, requestId }) => {
  const query = queryParameters(event, ["all_projects"]);
  const record = await findCapsule(pathParameter(event, "id"), caller, stores.capsules, {
    allProjects: booleanParameter(query, "all_projects"),
    rule: "capsule:delete_all_projects",
  });
  await deleteCapsule(record, requestId, stores, sqs);
  return noContent();
});
