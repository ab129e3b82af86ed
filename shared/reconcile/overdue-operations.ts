import type { HostRecord } from "../model/host.ts";
import { sendToHost } from "../queue/host-messages.ts";
import { MAX_OPERATION_RETRIES } from "../store/pending-work.ts";
import type { ReconcileContext } from "./context.ts";
import { evacuateContainer } from "./evacuate-container.ts";
import { failOperation } from "./fail-operation.ts";
import { isHostDown } from "./host-liveness.ts";

export interface OverdueReport {
  resent: number;
  failed: number;
  evacuated: number;
}

/**
 * Containers whose task state has stood still past their operation's timeout
 * (read from the sparse overdue index, so only those are read): the work is
 * sent to the host again — the message may never have been sent (a function
 * stopped between its transaction and its enqueue) or may have been lost —
 * up to MAX_OPERATION_RETRIES times, then failed with a reason. Work on a
 * host that is down or gone is evacuated instead.
 */
export async function reconcileOverdueOperations(
  hostsById: ReadonlyMap<string, HostRecord>,
  context: ReconcileContext,
): Promise<OverdueReport> {
  const { stores, config } = context;
  const report: OverdueReport = { resent: 0, failed: 0, evacuated: 0 };
  for (const uuid of await stores.containers.listOverdue(context.now)) {
    const record = await stores.containers.get(uuid);
    const work = record?.pending_message;
    if (!record || !work || record.settled_generation >= record.generation) continue;
    const host = record.host_id ? hostsById.get(record.host_id) : undefined;
    if (!host || isHostDown(host, config.hostDownAfterSeconds, context.now)) {
      if ((await evacuateContainer(record, host, context)) !== "unchanged") report.evacuated++;
      continue;
    }
    const retries = record.pending_retries ?? 0;
    if (retries < MAX_OPERATION_RETRIES) {
      if (await stores.containers.recordRetry(record)) {
        await sendToHost(context.sqs, host.queue_url, work, { resend: retries + 1 });
        report.resent++;
      }
      continue;
    }
    const reason = `${work.kind} did not finish: nothing moved for ${config.operationTimeoutSeconds + (work.timeout ?? 0)} s, through ${retries} re-sends to host ${host.hostname}`;
    if (await failOperation(record, reason, stores)) report.failed++;
  }
  return report;
}
