import { httpHandler } from "../../../shared/http/handler.ts";
import { baseUrlOf, pathParameter } from "../../../shared/http/request.ts";
import { json } from "../../../shared/http/responses.ts";
import { findContainer } from "../../../shared/containers/find-container.ts";
import { containerView } from "../../../shared/containers/view.ts";
import { storesFor } from "../../../shared/store/stores.ts";

/** GET /v1/containers/{id}: by uuid or name. */
export const handler = httpHandler(async (event, { config, caller }) => {
  const record = await findContainer(pathParameter(event, "id"), caller, storesFor(config).containers);
  return json(200, containerView(record, baseUrlOf(event)));
});
