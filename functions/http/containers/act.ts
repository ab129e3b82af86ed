import { httpHandler } from "../../../shared/http/handler.ts";
import { baseUrlOf, integerParameter, pathParameter, queryParameters } from "../../../shared/http/request.ts";
import { json } from "../../../shared/http/responses.ts";
import { NotFoundError } from "../../../shared/errors.ts";
import { findContainer } from "../../../shared/containers/find-container.ts";
import { ALLOWED_STATUSES, TaskState } from "../../../shared/containers/statuses.ts";
import { submitContainerRequest, type ContainerRequest } from "../../../shared/containers/submit-request.ts";
import { containerView } from "../../../shared/containers/view.ts";
import { sqsClientFor } from "../../../shared/store/clients.ts";
import { storesFor } from "../../../shared/store/stores.ts";
import type { HttpEvent } from "../../../shared/http/context.ts";

/** The lifecycle actions a host carries out, by the path segment that names them. */
const ACTIONS: Record<string, (event: HttpEvent) => ContainerRequest> = {
  start: (event) => {
    queryParameters(event, []);
    return {
      action: "start",
      allowedIn: ALLOWED_STATUSES.start,
      changes: { task_state: TaskState.ContainerStarting, status_reason: null },
      message: { kind: "start" },
    };
  },
  stop: (event) => {
    const timeout = integerParameter(queryParameters(event, ["timeout"]), "timeout", 0, 3600) ?? 10;
    return {
      action: "stop",
      allowedIn: ALLOWED_STATUSES.stop,
      changes: { task_state: TaskState.ContainerStopping },
      message: { kind: "stop", timeout },
    };
  },
};

/** POST /v1/containers/{id}/{action}: start, stop. */
export const handler = httpHandler(async (event, { config, caller, requestId }) => {
  const name = pathParameter(event, "action");
  const describe = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!describe) throw new NotFoundError(`Unknown container action ${name}.`);
  const request = describe(event);
  const stores = storesFor(config);
  const record = await findContainer(pathParameter(event, "id"), caller, stores.containers);
  const accepted = await submitContainerRequest(record, request, { caller, requestId }, stores, sqsClientFor(config));
  return json(202, containerView(accepted, baseUrlOf(event)));
});
