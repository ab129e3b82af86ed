import { allows } from "../../../shared/auth/policy.ts";
import { NotFoundError } from "../../../shared/errors.ts";
import { httpHandler } from "../../../shared/http/handler.ts";
import { pathParameter } from "../../../shared/http/request.ts";
import { json } from "../../../shared/http/responses.ts";
import type { ActionRecord } from "../../../shared/store/actions.ts";
import { containerOfRequest } from "./container-of-request.ts";

/** GET /v1/containers/{id}/container_actions: the container's action log, newest first (as Zun lists it). */
export const list = httpHandler(async (event, context) => {
  const { record } = await containerOfRequest(event, context, []);
  const actions = await context.stores.actions.list(record.uuid);
  return json(200, { containerActions: actions.reverse().map(actionView) });
});

/**
 * GET /v1/containers/{id}/container_actions/{request_id}: one action with its
 * events. An admin also sees each event's record under `berth_details` (for
 * a schedule event, the placement's decision: the hosts, the filters and the
 * scores), which a member may not, since it describes the hosts.
 */
export const show = httpHandler(async (event, context) => {
  const { record } = await containerOfRequest(event, context, []);
  const requestId = pathParameter(event, "request_id");
  const action = await context.stores.actions.get(record.uuid, requestId);
  if (!action) throw new NotFoundError(`Action ${requestId} of container ${record.uuid} could not be found.`);
  return json(200, {
    ...actionView(action),
    events: action.events.map(({ event: name, start_time, finish_time, result, traceback, details }) => ({
      event: name,
      start_time,
      finish_time,
      result,
      traceback,
      ...(details && allows(context.caller, "berth:event_details") ? { berth_details: details } : {}),
    })),
  });
});

function actionView(action: ActionRecord) {
  const { action: name, container_uuid, request_id, user_id, project_id, start_time, finish_time, message } = action;
  return { action: name, container_uuid, request_id, user_id, project_id, start_time, finish_time, message };
}
