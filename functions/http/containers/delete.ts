import { authorize } from "../../../shared/auth/policy.ts";
import { submitContainerRequest } from "../../../shared/containers/submit-request.ts";
import { ContainerStateConflictError } from "../../../shared/errors.ts";
import { httpHandler } from "../../../shared/http/handler.ts";
import { booleanParameter } from "../../../shared/http/request.ts";
import { noContent } from "../../../shared/http/responses.ts";
import { allowedStatuses, deleteOperation, recordWhile } from "../../../shared/model/lifecycle.ts";
import { containerOfRequest } from "./container-of-request.ts";

/**
 * DELETE /v1/containers/{id}[?stop=true][&force=true]: a container that never
 * reached a host is removed at once; a placed one is handed to its host, which
 * removes it from Docker and then releases its claim.
 */
export const handler = httpHandler(async (event, context) => {
  const { stores, sqs, caller, requestId } = context;
  const { record, query } = await containerOfRequest(event, context, ["force", "stop"]);
  const force = booleanParameter(query, "force");
  const stop = booleanParameter(query, "stop");
  if (force) authorize(caller, "container:delete_force");
  const operation = deleteOperation({ force, stop });
  const allowedIn = allowedStatuses(operation);

  if (!record.host_id) {
    if (!allowedIn.includes(record.status)) throw new ContainerStateConflictError("delete", record.status, record.uuid);
    await stores.containers.removeAndRelease(record);
    await stores.containers.forgetActionsOfDeleted(record.uuid);
    return noContent();
  }
  await submitContainerRequest(
    record,
    {
      action: "delete",
      allowedIn,
      changes: { ...recordWhile(operation), status_reason: null },
      message: { kind: "delete", stop: stop && !force },
      evenIfBusy: force,
    },
    { caller, requestId },
    stores,
    sqs,
  );
  return noContent();
});
