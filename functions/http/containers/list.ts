import { listContainers } from "../../../shared/containers/list-containers.ts";
import { containerView } from "../../../shared/containers/view.ts";
import { httpHandler } from "../../../shared/http/handler.ts";
import { baseUrlOf, queryParameters } from "../../../shared/http/request.ts";
import { json } from "../../../shared/http/responses.ts";
import { containerListingOf, LIST_PARAMETERS } from "./list-parameters.ts";

/** GET /v1/containers: filters, limit/marker pagination, sort_key/sort_dir, and all_projects for admins. */
export const handler = httpHandler(async (event, { stores, caller }) => {
  const query = queryParameters(event, LIST_PARAMETERS);
  const page = await listContainers(containerListingOf(query), caller, stores.containers);
  const base = baseUrlOf(event);
  const last = page.containers.at(-1);
  return json(200, {
    containers: page.containers.map((record) => containerView(record, base)),
    next:
      page.more && last
        ? `${base}/v1/containers?${new URLSearchParams({ ...query, marker: last.uuid }).toString()}`
        : null,
  });
});
