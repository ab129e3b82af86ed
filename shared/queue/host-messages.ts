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

/** Every message a host's queue carries, told apart by `kind`. */
export type AnyHostMessage = HostMessage | HostQuery | VolumeRemoval | ImageWork | SessionOpening | CapsuleWork;

/** What to do with each family of host message; `onHostMessage` calls the one a message belongs to. */
export interface HostMessageHandlers<R> {
  container(message: HostMessage): R;
  query(message: HostQuery): R;
  volume(message: VolumeRemoval): R;
  image(message: ImageWork): R;
  session(message: SessionOpening): R;
  capsule(message: CapsuleWork): R;
}

/** The one dispatch on a host message's kind: a kind added to the union and not handled here fails to compile. */
export function onHostMessage<R>(message: AnyHostMessage, handlers: HostMessageHandlers<R>): R {
  switch (message.kind) {
    case "query":
      return handlers.query(message);
    case "delete_volume":
      return handlers.volume(message);
    case "pull_image":
    case "delete_image":
      return handlers.image(message);
    case "open_session":
      return handlers.session(message);
    case "create_capsule":
    case "delete_capsule":
      return handlers.capsule(message);
    case "create":
    case "start":
    case "stop":
    case "delete":
    case "reboot":
    case "pause":
    case "unpause":
    case "kill":
    case "rebuild":
    case "update":
      return handlers.container(message);
    default:
      return unhandled(message);
  }
}

function unhandled(message: never): never {
  throw new Error(`no handler for host message kind ${(message as { kind?: unknown }).kind}`);
}

/**
 * The FIFO message group: one per container keeps each container's operations
 * in order; a query gets a group of its own, so it never waits behind an operation.
 */
const messageGroupOf = (message: AnyHostMessage): string =>
  onHostMessage(message, {
    container: (work) => work.container_uuid,
    query: (query) => `query-${query.request_id}`,
    volume: (removal) => `volume-${removal.volume_uuid}`,
    image: (work) => `image-${work.image_uuid}`,
    session: (opening) => `session-${opening.session_id}`,
    capsule: (work) => `capsule-${work.capsule_uuid}`,
  });

/** Sends work to a host's FIFO queue, in its message group; the request id deduplicates a retried send. */
export async function sendToHost(
  sqs: SQSClient,
  queueUrl: string,
  message: AnyHostMessage,
  options: { resend?: number } = {},
): Promise<void> {
  const group = messageGroupOf(message);
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
