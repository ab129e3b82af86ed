import { randomUUID } from "node:crypto";
import { ConflictError, NotFoundError } from "../../shared/errors.ts";
import { validateGroupBody } from "../../shared/groups/validate-group.ts";
import { groupView } from "../../shared/groups/view.ts";
import type { HttpContext } from "../../shared/http/context.ts";
import { httpHandler } from "../../shared/http/handler.ts";
import { pathParameter, queryParameters } from "../../shared/http/request.ts";
import { json, noContent } from "../../shared/http/responses.ts";
import type { GroupRecord } from "../../shared/model/group.ts";

/** POST /v1/server_groups {"server_group": {name, policy, rules}}: Nova 2.64's body and answer (200). */
export const create = httpHandler(async (event, context) => {
  queryParameters(event, []);
  const fields = validateGroupBody(context.body);
  const group: GroupRecord = {
    uuid: randomUUID(),
    ...fields,
    project_id: context.caller.projectId,
    user_id: context.caller.userId,
    created_at: new Date().toISOString(),
  };
  await context.stores.groups.create(group);
  return json(200, { server_group: groupView(group) });
});

export const list = httpHandler(async (event, context) => {
  queryParameters(event, []);
  const groups = await context.stores.groups.listByProject(context.caller.projectId);
  return json(200, { server_groups: groups.map(groupView) });
});

export const show = httpHandler(async (event, context) => {
  queryParameters(event, []);
  return json(200, { server_group: groupView(await groupOfRequest(event, context)) });
});

/** DELETE /v1/server_groups/{id}: only a group without members (409 otherwise), so no member loses its policy. */
export const remove = httpHandler(async (event, context) => {
  queryParameters(event, []);
  const group = await groupOfRequest(event, context);
  if (!(await context.stores.groups.deleteIfEmpty(group.uuid))) {
    const members = (await context.stores.groups.get(group.uuid))?.members?.size ?? 0;
    throw new ConflictError(
      `Server group ${group.name} still has ${members} member${members === 1 ? "" : "s"}: delete them first.`,
      "group_has_members",
    );
  }
  return noContent();
});

/** The caller's project's group by uuid or name; another project's is not found. */
async function groupOfRequest(event: Parameters<typeof pathParameter>[0], context: HttpContext): Promise<GroupRecord> {
  const id = pathParameter(event, "id");
  const group = await context.stores.groups.find(context.caller.projectId, id);
  if (group === "ambiguous") throw new ConflictError(`Several server groups are named ${id}: use its id.`, "ambiguous");
  if (!group) throw new NotFoundError(`Server group ${id} could not be found.`);
  return group.group;
}
