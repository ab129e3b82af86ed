import { randomUUID } from "node:crypto";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { readConfig } from "../shared/config.ts";
import { createContainer } from "../shared/containers/create-container.ts";
import { validateCreateBody } from "../shared/containers/validate-create.ts";
import { PlacementInstance } from "../shared/scheduling/placement-instance.ts";
import { type documentClientFor, sqsClientFor } from "../shared/store/clients.ts";
import { storesFor } from "../shared/store/stores.ts";

export const CLIENTS = 16;
/** Members per anti-affinity group in the groups rows: few enough for the hosts still with room at 10 hosts. */
export const GROUP_SIZE = 2;

/** Placements as the benchmarks drive them: concurrent clients, the raw transaction floor, and the requests they make. */
export async function place(
  config: ReturnType<typeof readConfig>,
  project: string,
  count: number,
  clients = CLIENTS,
  instances: "one" | "one per client" = "one",
  strategy?: "binpack" | "spread",
  groups: string[] = [],
): Promise<number[]> {
  const stores = storesFor(config);
  const sqs = sqsClientFor(config);
  const caller = { projectId: project, userId: "bench", roles: ["member"] };
  const latencies: number[] = [];
  let next = 0;
  const client = async () => {
    const instance = instances === "one" ? undefined : new PlacementInstance();
    while (next < count) {
      const index = next++;
      const started = performance.now();
      // Consecutive placements share a group, so its members race each other for hosts.
      const group = groups.length ? { group: groups[Math.floor(index / GROUP_SIZE) % groups.length]! } : {};
      const hints = { ...(strategy ? { strategy } : {}), ...group };
      const spec = validateCreateBody(
        { image: "berth-test/busybox:1", cpu: 0.1, memory: 16, disk: 1, hints },
        { caller: { projectId: "bench", userId: "bench", roles: ["member"] } },
      );
      const record = await createContainer(
        { spec, run: false, idempotencyKey: undefined, fingerprintOf: null },
        { caller, requestId: `req-${randomUUID()}`, config, instance },
        stores,
        sqs,
      );
      if (record.status === "Error") throw new Error(`placement failed: ${record.status_reason}`);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return latencies;
}

/** The floor: one transaction the size of a placement's (host, quota, class check, container, name, action), no conflicts. */
export async function rawTransactionRate(
  db: ReturnType<typeof documentClientFor>,
  table: string,
  count: number,
  clients = CLIENTS,
): Promise<number> {
  let next = 0;
  const client = async () => {
    while (next < count) {
      next++;
      const id = randomUUID();
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: { pk: `FLOOR#${id}`, sk: "HOST" },
                UpdateExpression: "ADD used :one",
                ExpressionAttributeValues: { ":one": 1 },
              },
            },
            {
              Update: {
                TableName: table,
                Key: { pk: `FLOOR#${id}`, sk: "QUOTA" },
                UpdateExpression: "ADD used :one",
                ExpressionAttributeValues: { ":one": 1 },
              },
            },
            {
              ConditionCheck: {
                TableName: table,
                Key: { pk: `FLOOR#${id}`, sk: "CLASS" },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: table,
                Item: { pk: `FLOOR#${id}`, sk: "CONTAINER", body: "x".repeat(1500) },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: table,
                Item: { pk: `FLOOR#${id}`, sk: "NAME" },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: table,
                Item: { pk: `FLOOR#${id}`, sk: "ACTION" },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  return count / ((performance.now() - started) / 1000);
}

/** Every DynamoDB request this client sends, and the share of its transactions that were cancelled. */
export function countRequests(db: ReturnType<typeof documentClientFor>) {
  let total = 0;
  let transactions = 0;
  let cancelled = 0;
  db.middlewareStack.add(
    (next) => async (args) => {
      total++;
      const transaction = args.input !== null && typeof args.input === "object" && "TransactItems" in args.input;
      if (transaction) transactions++;
      try {
        return await next(args);
      } catch (error) {
        // Cancelled for any reason: a conflict with another transaction, or a host that filled up
        // under a stale view (the condition on its room) — both cost the placement another try.
        if (transaction && (error as Error).name === "TransactionCanceledException") cancelled++;
        throw error;
      }
    },
    { step: "initialize", name: "countRequests" },
  );
  return {
    total: () => total,
    cancelledShare: () => (transactions === 0 ? 0 : cancelled / transactions),
    reset: () => {
      total = 0;
      transactions = 0;
      cancelled = 0;
    },
  };
}
