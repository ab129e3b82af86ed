import { askHost } from "../../../shared/containers/ask-host.ts";
import { containerView } from "../../../shared/containers/view.ts";
import { BerthError } from "../../../shared/errors.ts";
import { httpHandler } from "../../../shared/http/handler.ts";
import { baseUrlOf } from "../../../shared/http/request.ts";
import { json } from "../../../shared/http/responses.ts";
import { log } from "../../../shared/log.ts";
import type { ContainerRecord } from "../../../shared/model/container.ts";
import { FUNCTION_TIMEOUT_MS } from "../../../shared/time-limits.ts";
import { containerOfRequest } from "./container-of-request.ts";

/** A show never waits long for the host: the stored record is a true answer too, only older. */
const FRESH_STATE_WAIT_MS = 3_000;

/**
 * GET /v1/containers/{id}: by uuid or name, with Docker's current state when the
 * container is settled on a host that answers quickly; otherwise as recorded.
 */
export const handler = httpHandler(async (event, context) => {
  const { config, stores, sqs, requestId } = context;
  let { record } = await containerOfRequest(event, context, []);
  if (record.host_id && !record.task_state && record.settled_generation >= record.generation) {
    try {
      record = await askHost<ContainerRecord>(
        record,
        "inspect",
        {},
        {
          requestId,
          hostDownAfterSeconds: config.hostDownAfterSeconds,
          remainingMs: context.getRemainingTimeInMillis?.() ?? FUNCTION_TIMEOUT_MS,
          waitMs: Math.min(FRESH_STATE_WAIT_MS, config.hostAnswerSeconds * 1000),
        },
        stores,
        sqs,
      );
    } catch (error) {
      if (!(error instanceof BerthError)) throw error;
      log("info", "showing the recorded state: the host did not give a fresh one", {
        request_id: requestId,
        reason: error.message,
      });
    }
  }
  return json(200, containerView(record, baseUrlOf(event)));
});
