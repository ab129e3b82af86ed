import type { SQSClient } from "@aws-sdk/client-sqs";
import { ConflictError } from "../errors.ts";
import type { CapsuleRecord } from "../model/capsule.ts";
import { sendToHost } from "../queue/host-messages.ts";
import type { Stores } from "../store/stores.ts";

/**
 * Zun's capsule delete: a capsule no host took holds nothing and goes at once;
 * a placed one becomes Deleting and its host removes every part, then its
 * record with its claim (see CapsuleStore.removeAndRelease). A repeated delete
 * of a capsule already Deleting asks the host again.
 */
export async function deleteCapsule(
  record: CapsuleRecord,
  requestId: string,
  stores: Stores,
  sqs: SQSClient,
): Promise<void> {
  if (!record.host_id) {
    if (!(await stores.capsules.removeAndRelease(record)))
      throw new ConflictError(`Capsule ${record.uuid} changed while it was being deleted; try again.`);
    return;
  }
  const deleting = record.task_state === "deleting" ? record : await stores.capsules.beginDelete(record);
  if (!deleting) throw new ConflictError(`Capsule ${record.uuid} changed while it was being deleted; try again.`);
  const host = await stores.hosts.get(record.host_id);
  if (!host) return;
  await sendToHost(sqs, host.queue_url, {
    kind: "delete_capsule",
    capsule_uuid: record.uuid,
    generation: deleting.generation,
    request_id: requestId,
  });
}
