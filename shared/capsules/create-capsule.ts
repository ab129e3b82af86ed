import { randomUUID } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Identity } from "../auth/identity.ts";
import type { BerthConfig } from "../config.ts";
import { ConflictError } from "../errors.ts";
import { assertImageUsableBy } from "../images/committed-images.ts";
import { type CapsuleMember, type CapsuleRecord, type CapsuleSpec, claimOfCapsule } from "../model/capsule.ts";
import type { ContainerSpec } from "../model/container.ts";
import { Status } from "../model/container-status.ts";
import { sendToHost } from "../queue/host-messages.ts";
import { usageOf } from "../quotas/limits.ts";
import { QuotaGuard } from "../quotas/quota-guard.ts";
import { placeContainer } from "../scheduling/place-container.ts";
import { isStrategy } from "../scheduling/weighers/strategies.ts";
import type { Stores } from "../store/stores.ts";

/**
 * Zun's capsule create: the whole capsule is placed on one host, its claim
 * (see claimOfCapsule) and every container's quota usage taken in the one
 * transaction that stores it; then that host is asked to build it. When no
 * host fits, it is stored as Error saying why, holding only its containers'
 * count in the quota (as an unplaced container holds one), until deleted.
 */
export async function createCapsule(
  spec: Omit<CapsuleSpec, "name"> & { name: string | null },
  who: { caller: Identity; requestId: string; config: BerthConfig },
  stores: Stores,
  sqs: SQSClient,
): Promise<CapsuleRecord> {
  for (const container of [...spec.init_containers, ...spec.containers])
    assertImageUsableBy(container.image, who.caller.projectId);
  const now = new Date().toISOString();
  const uuid = randomUUID();
  const member = (container: CapsuleSpec["containers"][number]): CapsuleMember => ({
    ...container,
    uuid: randomUUID(),
    status: Status.Creating,
    status_reason: null,
    container_id: null,
    exit_code: null,
  });
  const claim = claimOfCapsule(spec);
  const draft: CapsuleRecord = {
    ...spec,
    name: spec.name ?? `capsule-${uuid.slice(0, 8)}`,
    uuid,
    project_id: who.caller.projectId,
    user_id: who.caller.userId,
    init_containers: spec.init_containers.map(member),
    containers: spec.containers.map(member),
    status: Status.Creating,
    status_reason: null,
    task_state: "creating",
    host_id: null,
    host: null,
    claim,
    sandbox_id: null,
    addresses: null,
    generation: 1,
    created_at: now,
    updated_at: now,
  };
  const quota = await QuotaGuard.check(stores.quotas, who.caller.projectId, usageOf(claim));
  const strategy = who.config.placementStrategy;
  if (!isStrategy(strategy)) throw new Error(`configuration: BERTH_PLACEMENT_STRATEGY ${strategy} is not a strategy`);
  const placement = await placeContainer(
    claim,
    {
      spec: placementSpecOf(draft),
      cpuMillis: claim.cpuMillis,
      now: Date.now(),
      hostDownAfterSeconds: who.config.hostDownAfterSeconds,
      requestId: who.requestId,
      strategy,
      multipliers: who.config.weigherMultipliers,
      hostSubsetSize: who.config.hostSubsetSize,
      excludedHostIds: [],
    },
    stores.hosts,
    (host) => stores.capsules.createPlaced({ ...draft, host_id: host.id, host: host.hostname }, host, quota.items),
    {
      table: who.config.tableName,
      snapshotMaxAgeMs: who.config.hostSnapshotSeconds * 1000,
      onQuotaChanged: () => quota.refresh(),
    },
  );
  if (placement.placed) {
    const record = { ...draft, host_id: placement.host.id, host: placement.host.hostname };
    await sendToHost(sqs, placement.host.queue_url, {
      kind: "create_capsule",
      capsule_uuid: uuid,
      generation: record.generation,
      request_id: who.requestId,
    });
    return record;
  }
  const held = claim.containers ?? 1;
  const record: CapsuleRecord = {
    ...draft,
    status: Status.Error,
    status_reason: placement.reason,
    task_state: null,
    claim: null,
    held_containers: held,
  };
  const holds = await QuotaGuard.check(stores.quotas, who.caller.projectId, {
    containers: held,
    cpuMillis: 0,
    memory: 0,
    disk: 0,
  });
  for (let attempt = 0; ; attempt++) {
    if (await stores.capsules.createUnplaced(record, holds.items)) return record;
    if (attempt === 5) throw new ConflictError("The project's quota kept changing; try again.", "quota_contention");
    await holds.refresh();
  }
}

/** What the scheduler's filters read of a capsule: its size and zone, as if it were one container. */
function placementSpecOf(capsule: CapsuleRecord): ContainerSpec {
  return {
    name: capsule.name,
    image: capsule.containers[0]!.image,
    command: null,
    entrypoint: null,
    cpu: capsule.claim!.cpuMillis / 1000,
    memory: capsule.claim!.memory,
    disk: 0,
    environment: {},
    labels: capsule.labels,
    workdir: null,
    hostname: null,
    runtime: null,
    availability_zone: capsule.availability_zone,
    image_pull_policy: "ifnotpresent",
    image_driver: "docker",
    restart_policy: capsule.restart_policy,
    interactive: false,
    tty: false,
    auto_remove: false,
    auto_heal: false,
    privileged: false,
    hints: {},
    healthcheck: null,
    exposed_ports: {},
    requested_host: null,
    mounts: [],
    registry: null,
  };
}
