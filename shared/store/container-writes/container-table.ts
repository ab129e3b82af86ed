import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ActionStore } from "../actions.ts";
import type { QuotaStore } from "../quotas.ts";
import type { TombstoneStore } from "../tombstones.ts";
import type { VolumeStore } from "../volumes.ts";

/** What a container's writes need: the table, the stores whose items join its transactions, and the operation timeout. */
export interface ContainerTable {
  db: DynamoDBDocumentClient;
  table: string;
  quotas: QuotaStore;
  volumes: VolumeStore;
  tombstones: TombstoneStore;
  actions: ActionStore;
  /** How long an operation may stand still before the reconciler steps in. */
  operationTimeoutSeconds: number;
}
