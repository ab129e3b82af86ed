import { randomUUID } from "node:crypto";
import { isAdmin } from "../../../shared/http/context.ts";
import { httpHandler } from "../../../shared/http/handler.ts";
import { baseUrlOf, booleanParameter, queryParameters } from "../../../shared/http/request.ts";
import { json } from "../../../shared/http/responses.ts";
import { claimOf, type ContainerRecord } from "../../../shared/containers/record.ts";
import { Status } from "../../../shared/containers/statuses.ts";
import { validateCreateBody } from "../../../shared/containers/validate-create.ts";
import { containerView } from "../../../shared/containers/view.ts";
import { sendToHost } from "../../../shared/queue/host-messages.ts";
import { placeContainer } from "../../../shared/scheduling/place-container.ts";
import { newAction } from "../../../shared/store/actions.ts";
import { sqsClientFor } from "../../../shared/store/clients.ts";
import { storesFor } from "../../../shared/store/stores.ts";

/** POST /v1/containers[?run=true]: validate, place and claim atomically, then hand the create to the host. */
export const handler = httpHandler(async (event, { config, caller, requestId, body }) => {
  const run = booleanParameter(queryParameters(event, ["run"]), "run");
  const spec = validateCreateBody(body, { isAdmin: isAdmin(caller) });
  const stores = storesFor(config);
  const now = new Date().toISOString();
  const draft: ContainerRecord = {
    ...spec,
    uuid: randomUUID(),
    project_id: caller.projectId,
    user_id: caller.userId,
    status: Status.Creating,
    status_reason: null,
    task_state: null,
    host_id: null,
    host: null,
    claim: claimOf(spec),
    container_id: null,
    generation: 1,
    settled_generation: 0,
    created_at: now,
    updated_at: now,
  };
  const actionFields = { action: "create", container_uuid: draft.uuid, request_id: requestId, user_id: caller.userId, project_id: caller.projectId };
  const placement = await placeContainer(
    draft,
    (host) => newAction(actionFields, now, [scheduleEvent(now, "Success", null, { host: host.hostname, host_id: host.id })]),
    { spec, cpuMillis: draft.claim!.cpuMillis, now: Date.now(), hostDownAfterSeconds: config.hostDownAfterSeconds },
    stores,
  );

  let record: ContainerRecord;
  if (placement.placed) {
    record = { ...draft, host_id: placement.host.id, host: placement.host.hostname };
    await sendToHost(sqsClientFor(config), placement.host.queue_url, {
      kind: "create",
      container_uuid: record.uuid,
      generation: record.generation,
      request_id: requestId,
      run,
    });
  } else {
    record = { ...draft, status: Status.Error, status_reason: placement.reason, claim: null, settled_generation: draft.generation };
    const action = { ...newAction(actionFields, now, [scheduleEvent(now, "Error", placement.reason)]), finish_time: now, message: placement.reason };
    await stores.containers.createUnplaced(record, action);
  }
  const view = containerView(record, baseUrlOf(event));
  return json(202, view, { location: `${baseUrlOf(event)}/v1/containers/${record.uuid}` });
});

function scheduleEvent(now: string, result: "Success" | "Error", traceback: string | null, details?: Record<string, unknown>) {
  return { event: "schedule", start_time: now, finish_time: now, result, traceback, details };
}
