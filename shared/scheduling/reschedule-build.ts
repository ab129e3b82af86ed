import type { SQSClient } from "@aws-sdk/client-sqs";
import type { BerthConfig } from "../config.ts";
import type { ContainerRecord } from "../model/container.ts";
import type { HostRecord } from "../model/host.ts";
import { type HostMessage, sendToHost } from "../queue/host-messages.ts";
import type { ActionEvent } from "../store/actions.ts";
import type { Stores } from "../store/stores.ts";
import { placeContainer } from "./place-container.ts";
import { groupPlacementOf, placementRequestFor } from "./placement-request.ts";

export type BuildReschedule = { moved: true; host: HostRecord } | { moved: false; reason: string };

/**
 * Nova's reschedule of a failed build: a create that failed on its host for
 * a reason another host could fix is placed again, never on a host it already
 * failed on, its record and claim moved there in one transaction (the claim on
 * the failed host given back), and the new host is sent the same create. The
 * create's action keeps every attempt: the failure on the old host and the new
 * schedule are its events, and the new host finishes it. Not rescheduled: a
 * host an admin chose, a container with volumes (they live where it was
 * placed), and a create past its attempts; then the caller fails it as before.
 */
export async function rescheduleBuild(
  record: ContainerRecord,
  failedOn: Pick<HostRecord, "id" | "hostname">,
  failure: string,
  context: { stores: Pick<Stores, "containers" | "groups" | "hosts">; sqs: SQSClient; config: BerthConfig },
): Promise<BuildReschedule> {
  const { stores, sqs, config } = context;
  const work = record.pending_message;
  const tried = [...new Set([...(record.tried_hosts ?? []), failedOn.id])];
  if (work?.kind !== "create" || !record.claim) return { moved: false, reason: failure };
  if (record.requested_host || record.forced_host) return { moved: false, reason: failure };
  if (record.mounts.some((mount) => mount.type === "volume")) return { moved: false, reason: failure };
  if (tried.length >= config.buildAttempts)
    return { moved: false, reason: `${failure} (tried on ${tried.length} hosts, the most a create is tried on)` };
  const create: HostMessage = { ...work, generation: record.generation + 1 };
  const failedAt = new Date().toISOString();
  const attemptFailed: ActionEvent = {
    event: "compute__do_container_create",
    start_time: record.updated_at,
    finish_time: failedAt,
    result: "Error",
    traceback: failure,
    details: { host: failedOn.hostname, host_id: failedOn.id, attempt: tried.length },
  };
  const reason = `rescheduled: the create failed on host ${failedOn.hostname}: ${failure}`;
  const request = await placementRequestFor(record, config, work.request_id, stores.groups, tried);
  let changed = false;
  const placement = await placeContainer(
    record.claim,
    request,
    stores.hosts,
    async (host, decision) => {
      const now = new Date().toISOString();
      const schedule: ActionEvent = {
        event: "schedule",
        start_time: now,
        finish_time: now,
        result: "Success",
        traceback: null,
        details: { host: host.hostname, host_id: host.id, attempt: tried.length + 1, ...decision },
      };
      const attempts = {
        appendTo: { container_uuid: record.uuid, request_id: work.request_id },
        events: [attemptFailed, schedule],
      };
      const outcome = await stores.containers.moveToHost(record, host, attempts, create, reason, request.group?.group, {
        tried_hosts: tried,
      });
      if (outcome !== "changed") return outcome;
      changed = true;
      return "placed";
    },
    {
      table: config.tableName,
      snapshotMaxAgeMs: config.hostSnapshotSeconds * 1000,
      ...(record.group_id ? { rereadGroup: () => groupPlacementOf(record, stores.groups) } : {}),
    },
  );
  // A newer request was accepted meanwhile: it is the container's truth now, and this create is over.
  if (changed) return { moved: false, reason: failure };
  if (!placement.placed) {
    // Every host there is has tried: the host's own reason is the whole story.
    const others = placement.decision.hosts_evaluated - tried.length;
    return {
      moved: false,
      reason: others > 0 ? `${failure}; no other host could take it: ${placement.reason}` : failure,
    };
  }
  await sendToHost(sqs, placement.host.queue_url, create);
  return { moved: true, host: placement.host };
}
