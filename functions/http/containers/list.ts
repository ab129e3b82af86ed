import { LIST_PARAMETERS, listContainers } from "../../../shared/containers/list-containers.ts";
import { containerView } from "../../../shared/containers/view.ts";
import { httpHandler } from "../../../shared/http/handler.ts";
import { baseUrlOf, queryParameters } from "../../../shared/http/request.ts";
import { json } from "../../../shared/http/responses.ts";

/** GET /v1/containers: filters, limit/marker pagination, sort_key/sort_dir, and all_projects for admins. */
export const handler = httpHandler(async (event, { stores, caller }) => {
  const page = await listContainers(queryParameters(event, LIST_PARAMETERS), caller, stores.containers);
  const base = baseUrlOf(event);
  return json(200, {
    containers: page.containers.map((record) => containerView(record, base)),
    next: page.nextQuery ? `${base}/v1/containers?${page.nextQuery}` : null,
  });
});
