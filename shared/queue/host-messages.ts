import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** What an HTTP function asks a host's agent to do to one container. */
export interface HostMessage {
  kind: "create" | "start" | "stop" | "delete";
  container_uuid: string;
  /** The container's generation once this request was accepted; older work is stale. */
  generation: number;
  request_id: string;
  /** create: start the container once created. */
  run?: boolean;
  /** stop, delete with stop: seconds to wait before killing. */
  timeout?: number;
}

export function hostQueueName(queuePrefix: string, hostId: string): string {
  return `${queuePrefix}-host-${hostId}.fifo`;
}

/**
 * Sends work to a host's FIFO queue: one message group per container keeps each
 * container's operations in order; the request id deduplicates a retried send.
 */
export async function sendToHost(sqs: SQSClient, queueUrl: string, message: HostMessage): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(message),
      MessageGroupId: message.container_uuid,
      MessageDeduplicationId: `${message.request_id}-${message.kind}`,
    }),
  );
}
