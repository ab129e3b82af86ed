import { randomUUID } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { BerthConfig } from "../config.ts";
import type { ContainerRecord } from "../model/container.ts";
import type { HostRecord } from "../model/host.ts";
import { runsOnItsHost } from "../model/lifecycle.ts";
import { type HostMessage, sendToHost } from "../queue/host-messages.ts";
import { placeContainer } from "../scheduling/place-container.ts";
import { groupPlacementOf, placementRequestFor } from "../scheduling/placement-request.ts";
import { newAction } from "../store/actions.ts";
import type { Stores } from "../store/stores.ts";

/**
 * auto_heal on host loss: places the container again, as usual but never on
 * the host that died, moves its record and claim there in one transaction,
 * and sends the new host a create (run if it was running). The quota is
 * unchanged: it is the same container. A host an admin requested is dropped
 * (as Nova drops a forced host on evacuation: it is the host that died), and
 * the reason and the schedule event say so. Returns why not, when no host fits.
 */
export async function rescheduleContainer(
  record: ContainerRecord,
  deadHost: Pick<HostRecord, "id" | "hostname">,
  context: { stores: Stores; sqs: SQSClient; config: BerthConfig },
): Promise<{ moved: true; host: HostRecord } | { moved: false; reason: string }> {
  const { stores, sqs, config } = context;
  const requestId = `req-${randomUUID()}`;
  const dropped = record.requested_host;
  const reason = `rescheduled: host ${deadHost.hostname} is down${dropped ? `; its requested host ${dropped} was dropped` : ""}`;
  const run =
    runsOnItsHost(record.status) ||
    record.pending_message?.run === true ||
    record.pending_message?.kind === "start" ||
    record.pending_message?.kind === "reboot";
  const create: HostMessage = {
    kind: "create",
    container_uuid: record.uuid,
    generation: record.generation + 1,
    request_id: requestId,
    run,
  };
  const now = new Date().toISOString();
  let placement;
  try {
    const request = await placementRequestFor(
      { ...record, requested_host: null, forced_host: false },
      config,
      requestId,
      stores.groups,
      [deadHost.id],
    );
    placement = await placeContainer(
      record.claim!,
      request,
      stores.hosts,
      async (host, decision) => {
        const action = newAction(
          {
            action: "reschedule",
            container_uuid: record.uuid,
            request_id: requestId,
            user_id: "berth-reconciler",
            project_id: record.project_id,
          },
          now,
          [
            {
              event: "schedule",
              start_time: now,
              finish_time: now,
              result: "Success",
              traceback: null,
              details: {
                host: host.hostname,
                host_id: host.id,
                from_host: deadHost.hostname,
                ...(dropped ? { requested_host_dropped: dropped } : {}),
                ...decision,
              },
            },
          ],
        );
        const outcome = await stores.containers.moveToHost(record, host, action, create, reason, request.group?.group);
        if (outcome === "changed") throw new ContainerMovedOn();
        return outcome;
      },
      {
        table: config.tableName,
        snapshotMaxAgeMs: config.hostSnapshotSeconds * 1000,
        ...(record.group_id ? { rereadGroup: () => groupPlacementOf(record, stores.groups) } : {}),
      },
    );
  } catch (error) {
    if (error instanceof ContainerMovedOn)
      return { moved: false, reason: "the container changed while it was being rescheduled" };
    throw error;
  }
  if (!placement.placed) return { moved: false, reason: placement.reason };
  await sendToHost(sqs, placement.host.queue_url, create);
  return { moved: true, host: placement.host };
}

/** A request was accepted for the container while it was being moved: the move is dropped. */
class ContainerMovedOn extends Error {}
