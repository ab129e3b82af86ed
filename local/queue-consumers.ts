import { setTimeout as sleep } from "node:timers/promises";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { ProvisionedResources } from "./provision.ts";
import type { QueueConsumer } from "./serverless-config.ts";

type Invoke = (handler: string, functionName: string, event: SQSEvent) => Promise<unknown>;

/**
 * Lambda's SQS event source mapping, for the local stack: long-polls each
 * consumer's queue, hands the batch to its function, and deletes what the
 * function did not report as failed (ReportBatchItemFailures); a thrown error
 * leaves the whole batch to come back after its visibility timeout.
 */
export function startQueueConsumers(
  consumers: QueueConsumer[],
  provisioned: ProvisionedResources,
  sqs: SQSClient,
  invoke: Invoke,
): { stop(): Promise<void> } {
  let stopped = false;
  const loops = consumers.map(async (consumer) => {
    const queue = provisioned[consumer.queue];
    if (!queue)
      throw new Error(
        `serverless.yml: ${consumer.functionName} reads ${consumer.queue}, which the local stack did not provision`,
      );
    while (!stopped) {
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queue.ref,
            MaxNumberOfMessages: Math.min(consumer.batchSize, 10),
            WaitTimeSeconds: 1,
            AttributeNames: ["All"],
          }),
        );
        const messages = received.Messages ?? [];
        if (messages.length === 0 || stopped) continue;
        const event: SQSEvent = {
          Records: messages.map((message) => ({
            messageId: message.MessageId!,
            receiptHandle: message.ReceiptHandle!,
            body: message.Body ?? "",
            attributes: message.Attributes as SQSEvent["Records"][number]["attributes"],
            messageAttributes: {},
            md5OfBody: message.MD5OfBody ?? "",
            eventSource: "aws:sqs",
            eventSourceARN: queue.attributes.Arn!,
            awsRegion: "local",
          })),
        };
        const response = (await invoke(consumer.handler, consumer.functionName, event)) as SQSBatchResponse | undefined;
        const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
        const done = messages.filter((message) => !failed.has(message.MessageId!));
        if (done.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queue.ref,
              Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
            }),
          );
        }
      } catch (error) {
        if (!stopped) console.error(`${consumer.functionName} failed`, error);
        await sleep(1000);
      }
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.allSettled(loops);
    },
  };
}
