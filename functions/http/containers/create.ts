import { createContainer } from "../../../shared/containers/create-container.ts";
import { validateCreateBody } from "../../../shared/containers/validate-create.ts";
import { containerView } from "../../../shared/containers/view.ts";
import { httpHandler } from "../../../shared/http/handler.ts";
import { baseUrlOf, booleanParameter, headerOf, queryParameters } from "../../../shared/http/request.ts";
import { json } from "../../../shared/http/responses.ts";

/** POST /v1/containers[?run=true]: validate, place and claim atomically, then hand the create to the host. */
export const handler = httpHandler(async (event, { config, stores, sqs, caller, requestId, body, apiVersion }) => {
  const run = booleanParameter(queryParameters(event, ["run"]), "run");
  const spec = validateCreateBody(body, { caller, apiVersion });
  const record = await createContainer(
    { spec, run, idempotencyKey: headerOf(event, "idempotency-key"), fingerprintOf: { body, run } },
    { caller, requestId, config },
    stores,
    sqs,
  );
  const base = baseUrlOf(event);
  return json(202, containerView(record, base), { location: `${base}/v1/containers/${record.uuid}` });
});
