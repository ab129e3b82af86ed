import { setTimeout as sleep } from "node:timers/promises";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { BerthError, ConflictError, HostTimeoutError, HostUnavailableError } from "../errors.ts";
import type { ContainerRecord } from "../model/container.ts";
import { type HostRecord, isHostUp } from "../model/host.ts";
import { type HostQuery, type HostQueryKind, sendToHost } from "../queue/host-messages.ts";
import type { Stores } from "../store/stores.ts";
import { LONGEST_HOST_WAIT_MS } from "../time-limits.ts";

const POLL_EVERY_MS = 50;

export interface AskOptions {
  requestId: string;
  hostDownAfterSeconds: number;
  /** How long this invocation may still run (Lambda's getRemainingTimeInMillis). */
  remainingMs: number;
  waitMs?: number;
}

/**
 * Asks the container's host a question over its queue and waits, bounded, for
 * the answer it leaves in the reply table. A host that is down is a 409 naming
 * it; no answer in time is a 504. Nothing waits forever.
 */
export async function askHost<T>(
  record: ContainerRecord,
  query: HostQueryKind,
  params: Record<string, unknown>,
  options: AskOptions,
  stores: Stores,
  sqs: SQSClient,
): Promise<T> {
  const host = record.host_id ? await stores.hosts.get(record.host_id) : undefined;
  if (!host)
    throw new ConflictError(`Container ${record.uuid} has no host to ask (status ${record.status}).`, "no_host");
  return askHostItself<T>(host, query, record.uuid, params, options, stores, sqs);
}

/** Asks a host a question that is about the host itself (its images) or, with `containerUuid`, one of its containers. */
export async function askHostItself<T>(
  host: HostRecord,
  query: HostQueryKind,
  containerUuid: string,
  params: Record<string, unknown>,
  options: AskOptions,
  stores: Stores,
  sqs: SQSClient,
): Promise<T> {
  if (!isHostUp(host, options.hostDownAfterSeconds) || host.forced_down) {
    throw new HostUnavailableError(
      host.hostname,
      `is down: no heartbeat for ${Math.round((Date.now() - host.heartbeat_at) / 1000)} s`,
    );
  }
  const waitMs = Math.max(
    0,
    Math.min(options.waitMs ?? LONGEST_HOST_WAIT_MS, LONGEST_HOST_WAIT_MS, options.remainingMs - 2_000),
  );
  const answerBy = Date.now() + waitMs;
  const question: HostQuery = {
    kind: "query",
    query,
    container_uuid: containerUuid,
    request_id: options.requestId,
    params,
    answer_by: answerBy,
  };
  await stores.replies.ask(question);
  await sendToHost(sqs, host.queue_url, question);
  while (Date.now() < answerBy) {
    const reply = await stores.replies.get(options.requestId);
    if (reply?.ok) return reply.value as T;
    if (reply) throw new BerthError(reply.code, reply.status, reply.message);
    await sleep(POLL_EVERY_MS);
  }
  throw new HostTimeoutError(host.hostname, Math.round(waitMs / 1000));
}
