import type { Identity } from "../../shared/auth/identity.ts";
import { authorize } from "../../shared/auth/policy.ts";
import { NotFoundError } from "../../shared/errors.ts";
import { httpHandler } from "../../shared/http/handler.ts";
import { booleanParameter, pathParameter, queryParameters } from "../../shared/http/request.ts";
import { json, noContent } from "../../shared/http/responses.ts";
import { limitsWithUsage } from "../../shared/quotas/quota-view.ts";
import { validateLimits } from "../../shared/quotas/validate-limits.ts";
import { effectiveLimits } from "../../shared/store/quotas.ts";

/** GET /v1/quotas/{project_id}[?usages=true]: a project's limits (and what it uses); members see only their own. */
export const show = httpHandler(async (event, { stores, caller }) => {
  const usages = booleanParameter(queryParameters(event, ["usages"]), "usages");
  const projectId = projectOf(event, caller, "read");
  const { quotas } = stores;
  const [quota, quotaClass] = await Promise.all([quotas.getProject(projectId), quotas.getClass(true)]);
  const limits = effectiveLimits(quota, quotaClass);
  return json(200, usages ? limitsWithUsage(limits, quota) : limits);
});

/** PUT /v1/quotas/{project_id} (admin): sets some limits; the project keeps one quota record. */
export const update = httpHandler(async (event, { stores, caller, body }) => {
  queryParameters(event, []);
  const projectId = projectOf(event, caller, "write");
  const limits = validateLimits(body);
  const { quotas } = stores;
  await quotas.putProject(projectId, limits);
  const [quota, quotaClass] = await Promise.all([quotas.getProject(projectId), quotas.getClass(true)]);
  return json(200, effectiveLimits(quota, quotaClass));
});

/** DELETE /v1/quotas/{project_id} (admin): back to the defaults. */
export const remove = httpHandler(async (event, { stores, caller }) => {
  queryParameters(event, []);
  await stores.quotas.deleteProject(projectOf(event, caller, "write"));
  return noContent();
});

/** GET /v1/quotas/{project_id}/defaults: the limits a project without its own gets. */
export const defaults = httpHandler(async (event, { stores, caller }) => {
  queryParameters(event, []);
  projectOf(event, caller, "read");
  return json(200, (await stores.quotas.getClass(true)).limits);
});

/** GET /v1/quota_classes/default. */
export const showClass = httpHandler(async (event, { stores }) => {
  queryParameters(event, []);
  defaultClassOf(event);
  return json(200, (await stores.quotas.getClass(true)).limits);
});

/** PUT /v1/quota_classes/default (admin). */
export const updateClass = httpHandler(async (event, { stores, caller, body }) => {
  queryParameters(event, []);
  defaultClassOf(event);
  authorize(caller, "quota_class:update");
  const { quotas } = stores;
  await quotas.putClass(validateLimits(body));
  return json(200, (await quotas.getClass(true)).limits);
});

function projectOf(event: Parameters<typeof pathParameter>[0], caller: Identity, access: "read" | "write"): string {
  const projectId = pathParameter(event, "project_id");
  if (access === "write") authorize(caller, "quota:update");
  if (projectId !== caller.projectId) authorize(caller, "quota:get_other_project");
  return projectId;
}

function defaultClassOf(event: Parameters<typeof pathParameter>[0]): void {
  const name = pathParameter(event, "name");
  if (name !== "default") throw new NotFoundError(`Quota class ${name} could not be found; Berth has only "default".`);
}
