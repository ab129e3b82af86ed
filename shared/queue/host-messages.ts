import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** Work that changes a container; run in order per container, conditioned on its generation. */
export type ContainerOperation =
  | "create"
  | "start"
  | "stop"
  | "delete"
  | "reboot"
  | "pause"
  | "unpause"
  | "kill"
  | "rebuild"
  | "update";

export interface HostMessage {
  kind: ContainerOperation;
  container_uuid: string;
  /** The container's generation once this request was accepted; older work is stale. */
  generation: number;
  request_id: string;
  /** create: start the container once created. */
  run?: boolean;
  /** stop, reboot, delete with stop: seconds to wait before killing. */
  timeout?: number;
  /** kill: the signal to send. */
  signal?: string;
  /** delete: stop a running container first. */
  stop?: boolean;
}

/** Questions a function asks a host and waits for (bounded) on the reply table. */
export type HostQueryKind =
  | "logs"
  | "execute"
  | "top"
  | "stats"
  | "get_archive"
  | "put_archive"
  | "commit"
  | "inspect"
  | "search_images"
  | "create_exec"
  | "resize_tty"
  | "resize_exec";

export interface HostQuery {
  kind: "query";
  query: HostQueryKind;
  container_uuid: string;
  request_id: string;
  params: Record<string, unknown>;
  /** Epoch ms after which nobody waits for the answer: the host skips it. */
  answer_by: number;
}

/** Remove a Docker volume whose Berth record has been deleted. */
export interface VolumeRemoval {
  kind: "delete_volume";
  volume_uuid: string;
  request_id: string;
}

/** Pull an image onto the host, or remove one, for the images API. */
export interface ImageWork {
  kind: "pull_image" | "delete_image";
  image_uuid: string;
  request_id: string;
}

/** Open the agent's side of an interactive session: connect out to `agent_url`, then bridge it to Docker. */
export interface SessionOpening {
  kind: "open_session";
  session_id: string;
  request_id: string;
  container_uuid: string;
  /** Set for an exec session: the exec to start; otherwise the container is attached. */
  exec_id?: string;
  agent_url: string;
  idle_seconds: number;
  /** Epoch ms when the session must end, whatever happens. */
  end_by: number;
}

/** Create or delete a capsule: all its parts, in order, conditioned on the capsule's generation. */
export interface CapsuleWork {
  kind: "create_capsule" | "delete_capsule";
  capsule_uuid: string;
  generation: number;
  request_id: string;
}

export function hostQueueName(queuePrefix: string, hostId: string): string {
  return `${queuePrefix}-host-${hostId}.fifo`;
}

/**
 * Sends work to a host's FIFO queue: one message group per container keeps each
 * container's operations in order (a query gets a group of its own, so it never
 * waits behind an operation); the request id deduplicates a retried send.
 */
export type AnyHostMessage = HostMessage | HostQuery | VolumeRemoval | ImageWork | SessionOpening | CapsuleWork;

export async function sendToHost(
  sqs: SQSClient,
  queueUrl: string,
  message: AnyHostMessage,
  options: { resend?: number } = {},
): Promise<void> {
  const group =
    message.kind === "query"
      ? `query-${message.request_id}`
      : message.kind === "delete_volume"
        ? `volume-${message.volume_uuid}`
        : message.kind === "pull_image" || message.kind === "delete_image"
          ? `image-${message.image_uuid}`
          : message.kind === "open_session"
            ? `session-${message.session_id}`
            : message.kind === "create_capsule" || message.kind === "delete_capsule"
              ? `capsule-${message.capsule_uuid}`
              : (message as HostMessage).container_uuid;
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(message),
      MessageGroupId: group,
      // A re-send by the reconciler is a new message: SQS must not drop it as a duplicate of one that was lost.
      MessageDeduplicationId: `${message.request_id}-${message.kind}${options.resend ? `-resend${options.resend}` : ""}`,
    }),
  );
}
