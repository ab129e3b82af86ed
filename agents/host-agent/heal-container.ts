import { randomUUID } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { LIFECYCLE_REQUESTS } from "../../shared/containers/lifecycle-requests.ts";
import { submitContainerRequest } from "../../shared/containers/submit-request.ts";
import { log } from "../../shared/log.ts";
import { allowedStatuses } from "../../shared/model/lifecycle.ts";
import type { Stores } from "../../shared/store/stores.ts";
import { isPlacedHere } from "./is-placed-here.ts";
import type { Healer } from "./sync-status.ts";

/** auto_heal: a container whose Docker container vanished is rebuilt, as a request of the agent's own, recorded in its action log. */
export function healerFor(hostId: string, stores: Stores, sqs: SQSClient): Healer {
  return async (record) => {
    // Only the host a container is placed on may say it vanished.
    if (!isPlacedHere(record, hostId)) return;
    // The container was seen vanishing (Dead, Stopped, Running…): whatever its last status, it is rebuilt and run.
    const rebuild = { ...LIFECYCLE_REQUESTS.rebuild({}, record), allowedIn: allowedStatuses("heal") };
    rebuild.message = { ...rebuild.message, run: true };
    const requestId = `req-${randomUUID()}`;
    log("info", "auto_heal: rebuilding a container Docker no longer has", {
      container: record.uuid,
      request_id: requestId,
    });
    await submitContainerRequest(
      record,
      rebuild,
      { caller: { projectId: record.project_id, userId: "berth-agent", roles: [] }, requestId },
      stores,
      sqs,
    );
  };
}
