import { setTimeout as sleep } from "node:timers/promises";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { log } from "../../shared/log.ts";
import type { AnyHostMessage } from "../../shared/queue/host-messages.ts";
import { parseHostMessage } from "../../shared/queue/parse-host-message.ts";
import type { HeldMessages } from "./held-messages.ts";

export interface PollerOptions {
  queueUrl: string;
  /** Deliveries before the queue dead-letters a message; the last one must not be wasted. */
  maxReceiveCount: number;
  waitSeconds: number;
  visibilitySeconds: number;
  /** Lifecycle messages (creates, stops…) held at once. */
  concurrency: number;
  /** Host queries held at once, apart from lifecycle work, so questions never take its slots. */
  queryConcurrency: number;
}

/**
 * Long-polls the host's queue and hands each message to `handle`. A message is
 * kept hidden while its work runs and deleted only once the work has recorded
 * its outcome; if the work throws, the message reappears and is retried (and,
 * after enough tries, dead-lettered by the queue's redrive policy). The
 * messages it holds are kept in `held`, so a restart after a crash can hand
 * them back to the queue at once.
 */
export class Poller {
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly heldByLane = { lifecycle: 0, query: 0 };
  private loop: Promise<void> | undefined;
  private receiving: AbortController | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly options: PollerOptions,
    private readonly handle: (message: AnyHostMessage, isLastDelivery: boolean) => Promise<void>,
    private readonly held?: HeldMessages,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** Stops taking messages and waits for the ones in flight to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.receiving?.abort();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const room =
        Math.max(0, this.options.concurrency - this.heldByLane.lifecycle) +
        Math.max(0, this.options.queryConcurrency - this.heldByLane.query);
      if (room <= 0) {
        await Promise.race(this.inFlight);
        continue;
      }
      let messages: Message[] = [];
      try {
        this.receiving = new AbortController();
        const received = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.queueUrl,
            MaxNumberOfMessages: Math.min(10, room),
            WaitTimeSeconds: this.options.waitSeconds,
            VisibilityTimeout: this.options.visibilitySeconds,
            MessageSystemAttributeNames: ["ApproximateReceiveCount"],
          }),
          { abortSignal: this.receiving.signal },
        );
        messages = received.Messages ?? [];
      } catch (error) {
        if (this.stopping) break;
        log("warn", "receive failed; retrying", { error });
        await sleep(1000);
        continue;
      }
      for (const message of messages) {
        this.held?.hold(message.ReceiptHandle!);
        const lane = laneOf(message);
        this.heldByLane[lane]++;
        this.track(this.process(message).finally(() => this.heldByLane[lane]--));
      }
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async process(message: Message): Promise<void> {
    const keepHidden = setInterval(
      () => {
        this.sqs
          .send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: this.options.queueUrl,
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: this.options.visibilitySeconds,
            }),
          )
          .catch((error) => log("warn", "could not extend a message's visibility", { error }));
      },
      (this.options.visibilitySeconds * 1000) / 3,
    );
    try {
      const body = parseHostMessage(message.Body);
      const deliveries = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
      await this.handle(body, deliveries >= this.options.maxReceiveCount);
      await this.sqs.send(
        new DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    } catch (error) {
      log("error", "message handling failed; it will be redelivered", { message_id: message.MessageId, error });
    } finally {
      clearInterval(keepHidden);
      this.held?.release(message.ReceiptHandle!);
    }
  }
}

/** Which lane a message is held in: host queries apart from everything else (only its kind is read; it is checked whole when processed). */
function laneOf(message: Message): "lifecycle" | "query" {
  try {
    return (JSON.parse(message.Body ?? "") as { kind?: unknown }).kind === "query" ? "query" : "lifecycle";
  } catch {
    return "lifecycle";
  }
}
