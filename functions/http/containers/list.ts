import { httpHandler } from "../../../shared/http/handler.ts";
import { baseUrlOf, queryParameters } from "../../../shared/http/request.ts";
import { json } from "../../../shared/http/responses.ts";
import { containerView } from "../../../shared/containers/view.ts";
import { storesFor } from "../../../shared/store/stores.ts";

/** GET /v1/containers: the caller's project's containers, oldest first. */
export const handler = httpHandler(async (event, { config, caller }) => {
  queryParameters(event, []);
  const records = await storesFor(config).containers.listByProject(caller.projectId);
  const base = baseUrlOf(event);
  return json(200, { containers: records.map((record) => containerView(record, base)), next: null });
});
