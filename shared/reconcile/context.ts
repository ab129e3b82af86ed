import type { SQSClient } from "@aws-sdk/client-sqs";
import type { BerthConfig } from "../config.ts";
import type { Stores } from "../store/stores.ts";

/** What a reconcile step works with. */
export interface ReconcileContext {
  stores: Stores;
  sqs: SQSClient;
  config: BerthConfig;
  now: number;
}
