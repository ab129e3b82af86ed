import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { BerthConfig } from "../config.ts";
import { ActionStore } from "./actions.ts";
import { CapsuleStore } from "./capsules.ts";
import { documentClientFor } from "./clients.ts";
import { ContainerStore } from "./containers.ts";
import { HostStore } from "./hosts.ts";
import { ImageStore } from "./images.ts";
import { QuotaStore } from "./quotas.ts";
import { RegistryStore } from "./registries.ts";
import { ReplyStore } from "./replies.ts";
import { RequestCounterStore } from "./request-counters.ts";
import { SessionStore } from "./sessions.ts";
import { TombstoneStore } from "./tombstones.ts";
import { VolumeStore } from "./volumes.ts";

export interface Stores {
  containers: ContainerStore;
  capsules: CapsuleStore;
  hosts: HostStore;
  actions: ActionStore;
  replies: ReplyStore;
  quotas: QuotaStore;
  volumes: VolumeStore;
  images: ImageStore;
  registries: RegistryStore;
  tombstones: TombstoneStore;
  sessions: SessionStore;
  requestCounters: RequestCounterStore;
}

/** The stores over the shared client, or over `db` (e.g. one whose reads are metered). */
export function storesFor(config: BerthConfig, db: DynamoDBDocumentClient = documentClientFor(config)): Stores {
  const quotas = new QuotaStore(db, config.tableName);
  const tombstones = new TombstoneStore(db, config.tableName, config.tombstoneDays);
  const volumes = new VolumeStore(db, config.tableName, tombstones);
  const actions = new ActionStore(db, config.tableName);
  return {
    containers: new ContainerStore(
      db,
      config.tableName,
      quotas,
      volumes,
      tombstones,
      actions,
      config.operationTimeoutSeconds,
    ),
    capsules: new CapsuleStore(db, config.tableName, quotas),
    hosts: new HostStore(db, config.tableName),
    actions,
    replies: new ReplyStore(db, config.tableName),
    quotas,
    volumes,
    images: new ImageStore(db, config.tableName),
    registries: new RegistryStore(db, config.tableName),
    tombstones,
    sessions: new SessionStore(db, config.tableName),
    requestCounters: new RequestCounterStore(db, config.tableName),
  };
}
