import type { SQSClient } from "@aws-sdk/client-sqs";
import { type BerthConfig, readConfig } from "./config.ts";
import { sqsClientFor } from "./store/clients.ts";
import { type Stores, storesFor } from "./store/stores.ts";

/** What a function needs from outside itself: its configuration, its stores and its queue client. */
export interface Dependencies {
  config: BerthConfig;
  stores: Stores;
  sqs: SQSClient;
}

let built: { environment: string; dependencies: Dependencies } | undefined;

/**
 * The function's dependencies, built once per environment: at cold start on
 * Lambda, whose environment never changes, and again only when the local
 * stack or a test sets a different one (the `BERTH_` and `AWS_` variables
 * Berth reads).
 */
export function dependencies(env: NodeJS.ProcessEnv = process.env): Dependencies {
  const environment = environmentOf(env);
  if (built?.environment !== environment) {
    const config = readConfig(env);
    built = { environment, dependencies: { config, stores: storesFor(config), sqs: sqsClientFor(config) } };
  }
  return built.dependencies;
}

function environmentOf(env: NodeJS.ProcessEnv): string {
  return JSON.stringify(
    Object.entries(env)
      .filter(([name]) => name.startsWith("BERTH_") || name.startsWith("AWS_"))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
