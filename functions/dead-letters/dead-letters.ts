import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { dependencies } from "../../shared/dependencies.ts";
import { log } from "../../shared/log.ts";
import type { AnyHostMessage } from "../../shared/queue/host-messages.ts";
import { parseHostMessage } from "../../shared/queue/parse-host-message.ts";
import { settleDeadLetter } from "../../shared/reconcile/settle-dead-letter.ts";

/**
 * Consumes the hosts' dead-letter queue: each message that exhausted its
 * deliveries has its work settled as failed. A message that cannot be settled
 * now is handed back, and (the queue being FIFO) so is every one after it.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const { stores } = dependencies();
  const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
  for (const record of event.Records) {
    if (batchItemFailures.length > 0) {
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    let message: AnyHostMessage;
    try {
      message = parseHostMessage(record.body);
    } catch (error) {
      log("error", "a dead letter is not a Berth message; dropped", {
        message_id: record.messageId,
        reason: (error as Error).message,
        body: record.body.slice(0, 200),
      });
      continue;
    }
    try {
      const outcome = await settleDeadLetter(message, stores);
      log("info", "dead letter settled", {
        message_id: record.messageId,
        kind: message.kind,
        request_id: message.request_id,
        outcome,
      });
    } catch (error) {
      log("warn", "a dead letter could not be settled; it is handed back", { message_id: record.messageId, error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
