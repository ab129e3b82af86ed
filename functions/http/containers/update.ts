import { updateContainer } from "../../../shared/containers/update-container.ts";
import { validateUpdateBody } from "../../../shared/containers/validate-update.ts";
import { containerView } from "../../../shared/containers/view.ts";
import { httpHandler } from "../../../shared/http/handler.ts";
import { baseUrlOf } from "../../../shared/http/request.ts";
import { json } from "../../../shared/http/responses.ts";
import { containerOfRequest } from "./container-of-request.ts";

/** PATCH /v1/containers/{id}: cpu, memory (checked against the host's room, atomically), name, auto_heal. */
export const handler = httpHandler(async (event, context) => {
  const { stores, sqs, caller, requestId, body } = context;
  const update = validateUpdateBody(body);
  const { record } = await containerOfRequest(event, context, []);
  const updated = await updateContainer(record, update, "update", { caller, requestId }, stores, sqs);
  return json(200, containerView(updated, baseUrlOf(event)));
});
