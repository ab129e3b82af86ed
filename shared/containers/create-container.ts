import { createHash, randomUUID } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Identity } from "../auth/identity.ts";
import type { BerthConfig } from "../config.ts";
import { ConflictError, InvalidFieldError } from "../errors.ts";
import { groupOfHints } from "../groups/group-of-hints.ts";
import { claimOnHost } from "../hosts/pinned-cores.ts";
import { assertImageUsableBy } from "../images/committed-images.ts";
import { isServedBy } from "../images/reference.ts";
import { type ContainerRecord, type ContainerSpec, claimOf } from "../model/container.ts";
import { Status } from "../model/container-status.ts";
import { type HostMessage, sendToHost } from "../queue/host-messages.ts";
import { ONE_CONTAINER, usageOf } from "../quotas/limits.ts";
import { QuotaGuard } from "../quotas/quota-guard.ts";
import { HostSnapshot } from "../scheduling/host-snapshot.ts";
import { type ImageValidation, validateImage } from "../scheduling/image-validation.ts";
import { placeContainer } from "../scheduling/place-container.ts";
import type { PlacementInstance } from "../scheduling/placement-instance.ts";
import { groupPlacementOf, placementRequestFor } from "../scheduling/placement-request.ts";
import { type ActionEvent, type ActionResult, newAction } from "../store/actions.ts";
import { DuplicateCreateError, type IdempotencyClaim } from "../store/idempotency.ts";
import type { Stores } from "../store/stores.ts";
import { newVolumeGiB } from "../volumes/mounts.ts";
import { resolveMounts } from "../volumes/resolve-mounts.ts";

const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const IDEMPOTENCY_SECONDS = 24 * 3600;

export interface CreateRequest {
  spec: ContainerSpec;
  run: boolean;
  /** The client's Idempotency-Key header, if it sent one. */
  idempotencyKey: string | undefined;
  /** What makes two requests "the same" for an idempotency key. */
  fingerprintOf: unknown;
}

/**
 * Zun's create, with placement and claim in the same transaction as the record:
 * records the container as Creating on a host with room (or as Error saying why
 * none fits), then hands the create to that host. A retry carrying the same
 * Idempotency-Key answers with the container the first request made.
 */
export async function createContainer(
  request: CreateRequest,
  who: { caller: Identity; requestId: string; config: BerthConfig; instance?: PlacementInstance },
  stores: Stores,
  sqs: SQSClient,
): Promise<ContainerRecord> {
  const idempotency =
    request.idempotencyKey === undefined ? undefined : idempotencyClaim(request.idempotencyKey, request.fingerprintOf);
  if (idempotency) {
    const earlier = await replayOf(idempotency, who.caller, stores);
    if (earlier) return earlier;
  }
  const { spec, run } = request;
  assertImageUsableBy(spec.image, who.caller.projectId);
  const now = new Date().toISOString();
  const { mounts, volumeHostId } = await resolveMounts(spec.mounts, who.caller.projectId, stores.volumes);
  const registry = spec.registry ? await stores.registries.find(who.caller.projectId, spec.registry) : undefined;
  if (spec.registry && !registry)
    throw new InvalidFieldError("registry", `no registry ${spec.registry} in this project`);
  if (registry && !isServedBy(spec.image, registry.domain)) {
    throw new InvalidFieldError(
      "registry",
      `registry ${registry.name} is for ${registry.domain}; image ${spec.image} is not pulled from there`,
    );
  }
  const group = await groupOfHints(spec.hints, who.caller, stores.groups);
  await validateImage(
    spec.image,
    (spec.hints.image_validation as ImageValidation | undefined) ?? who.config.imageValidation,
    HostSnapshot.of(stores.hosts, who.config.tableName, who.config.hostSnapshotSeconds * 1000, who.instance),
  );
  const draft: ContainerRecord = {
    ...spec,
    group_id: group?.group.uuid ?? null,
    mounts,
    registry_id: registry?.uuid ?? null,
    uuid: randomUUID(),
    project_id: who.caller.projectId,
    user_id: who.caller.userId,
    status: Status.Creating,
    status_reason: null,
    task_state: null,
    host_id: null,
    host: null,
    claim: { ...claimOf(spec), disk: spec.disk + newVolumeGiB(mounts) },
    container_id: null,
    generation: 1,
    settled_generation: 0,
    created_at: now,
    updated_at: now,
  };
  const actionFields = {
    action: "create",
    container_uuid: draft.uuid,
    request_id: who.requestId,
    user_id: who.caller.userId,
    project_id: who.caller.projectId,
  };
  const create: HostMessage = {
    kind: "create",
    container_uuid: draft.uuid,
    generation: draft.generation,
    request_id: who.requestId,
    run,
  };
  const quota = await QuotaGuard.check(stores.quotas, who.caller.projectId, usageOf(draft.claim!));
  try {
    let placedClaim = draft.claim;
    const request = await placementRequestFor(draft, who.config, who.requestId, stores.groups, [], group);
    const placement = await placeContainer(
      draft.claim!,
      { ...request, volumeHostId },
      stores.hosts,
      async (host, decision) => {
        const claim = claimOnHost(draft.claim!, host, draft);
        if (!claim) return "host_full";
        const action = newAction(actionFields, now, [
          scheduleEvent(now, "Success", null, { host: host.hostname, host_id: host.id, ...decision }),
        ]);
        const outcome = await stores.containers.createPlaced(
          { ...draft, host_id: host.id, host: host.hostname, claim },
          host,
          action,
          quota.items,
          create,
          idempotency,
          request.group?.group,
        );
        if (outcome === "placed") placedClaim = claim;
        return outcome;
      },
      {
        table: who.config.tableName,
        snapshotMaxAgeMs: who.config.hostSnapshotSeconds * 1000,
        onQuotaChanged: () => quota.refresh(),
        instance: who.instance,
        ...(group ? { rereadGroup: () => groupPlacementOf(draft, stores.groups) } : {}),
      },
    );
    if (placement.placed) {
      const record = { ...draft, host_id: placement.host.id, host: placement.host.hostname, claim: placedClaim };
      await sendToHost(sqs, placement.host.queue_url, create);
      return record;
    }
    const record = {
      ...draft,
      status: Status.Error,
      status_reason: placement.reason,
      claim: null,
      group_id: null,
      counts_as_container: true,
      settled_generation: draft.generation,
    };
    const action = {
      ...newAction(actionFields, now, [scheduleEvent(now, "Error", placement.reason, { ...placement.decision })]),
      finish_time: now,
      message: placement.reason,
    };
    const holdsOne = await QuotaGuard.check(stores.quotas, who.caller.projectId, ONE_CONTAINER);
    for (let attempt = 0; ; attempt++) {
      if (await stores.containers.createUnplaced(record, action, holdsOne.items, idempotency)) return record;
      if (attempt === 5) throw new ConflictError("The project's quota kept changing; try again.", "quota_contention");
      await holdsOne.refresh();
    }
  } catch (error) {
    if (error instanceof DuplicateCreateError && idempotency) {
      const earlier = await replayOf(idempotency, who.caller, stores);
      if (earlier) return earlier;
    }
    throw error;
  }
}

function idempotencyClaim(key: string, fingerprintOf: unknown): IdempotencyClaim {
  if (!IDEMPOTENCY_KEY_PATTERN.test(key))
    throw new InvalidFieldError("Idempotency-Key", "must be 1–255 printable ASCII characters");
  return {
    key,
    fingerprint: createHash("sha256").update(JSON.stringify(fingerprintOf)).digest("hex"),
    expiresAt: Math.floor(Date.now() / 1000) + IDEMPOTENCY_SECONDS,
  };
}

async function replayOf(
  idempotency: IdempotencyClaim,
  caller: Identity,
  stores: Stores,
): Promise<ContainerRecord | undefined> {
  const earlier = await stores.containers.findByIdempotencyKey(caller.projectId, idempotency.key);
  if (!earlier) return undefined;
  if (earlier.fingerprint !== idempotency.fingerprint) {
    throw new ConflictError(
      `Idempotency-Key ${idempotency.key} was already used for a different create request.`,
      "idempotency_key_reused",
    );
  }
  const record = await stores.containers.get(earlier.uuid);
  if (!record)
    throw new ConflictError(
      `The container created with Idempotency-Key ${idempotency.key} has since been deleted.`,
      "idempotency_key_reused",
    );
  return record;
}

function scheduleEvent(
  now: string,
  result: ActionResult,
  traceback: string | null,
  details?: Record<string, unknown>,
): ActionEvent {
  return { event: "schedule", start_time: now, finish_time: now, result, traceback, details };
}
