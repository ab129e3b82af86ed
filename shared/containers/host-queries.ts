import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Identity } from "../auth/identity.ts";
import type { BerthConfig } from "../config.ts";
import { ContainerStateConflictError } from "../errors.ts";
import type { ContainerRecord } from "../model/container.ts";
import type { Status } from "../model/container-status.ts";
import type { HostQueryKind } from "../queue/host-messages.ts";
import { type ActionResult, newAction } from "../store/actions.ts";
import type { Stores } from "../store/stores.ts";
import { askHost } from "./ask-host.ts";

/** Who asks a host, for which request, and how long the function has left to wait for the answer. */
export interface QueryCaller {
  config: BerthConfig;
  caller: Identity;
  requestId: string;
  remainingMs: number;
}

/**
 * Asks the container's host a question it may answer only in some statuses;
 * when `action` is named, the request is recorded in the action log with its outcome.
 */
export async function queryContainer<T>(
  record: ContainerRecord,
  query: HostQueryKind,
  params: Record<string, unknown>,
  rule: { allowedIn: readonly Status[]; action?: string; verb?: string },
  who: QueryCaller,
  stores: Stores,
  sqs: SQSClient,
): Promise<T> {
  if (!rule.allowedIn.includes(record.status))
    throw new ContainerStateConflictError(rule.verb ?? query, record.status, record.uuid);
  const ask = () =>
    askHost<T>(
      record,
      query,
      params,
      {
        requestId: who.requestId,
        hostDownAfterSeconds: who.config.hostDownAfterSeconds,
        remainingMs: who.remainingMs,
        waitMs: who.config.hostAnswerSeconds * 1000,
      },
      stores,
      sqs,
    );
  if (!rule.action) return ask();

  const started = new Date().toISOString();
  await stores.actions.start(
    newAction(
      {
        action: rule.action,
        container_uuid: record.uuid,
        request_id: who.requestId,
        user_id: who.caller.userId,
        project_id: who.caller.projectId,
      },
      started,
    ),
  );
  const finish = (result: ActionResult, traceback: string | null) =>
    stores.actions.record(
      record.uuid,
      who.requestId,
      {
        event: `compute__do_container_${rule.action}`,
        start_time: started,
        finish_time: new Date().toISOString(),
        result,
        traceback,
      },
      { message: traceback },
    );
  try {
    const answer = await ask();
    await finish("Success", null);
    return answer;
  } catch (error) {
    await finish("Error", error instanceof Error ? error.message : String(error));
    throw error;
  }
}
