import { randomUUID } from "node:crypto";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { startLocalStack } from "../local/stack.ts";
import { readConfig } from "../shared/config.ts";
import { createContainer } from "../shared/containers/create-container.ts";
import { validateCreateBody } from "../shared/containers/validate-create.ts";
import { PlacementInstance } from "../shared/scheduling/placement-instance.ts";
import { documentClientFor, sqsClientFor } from "../shared/store/clients.ts";
import { storesFor } from "../shared/store/stores.ts";
import { registerSimulatedHosts } from "../test/helpers/simulated-hosts.ts";
import { percentile } from "./stats.ts";

const CLIENTS = 16;

/**
 * Placements per second and DynamoDB requests per placement with 16 concurrent
 * clients at several host counts (simulated host items), next to the raw rate
 * of one TransactWriteItems of the same size on the same emulator: the floor.
 */
export async function benchScheduler(hostCounts: number[], placementsPerRun: number) {
  const stack = await startLocalStack({
    stage: `sched${Date.now().toString(36)}`,
    agents: 0,
    scheduleEverySeconds: 0,
    agentOutput: "ignore",
    environment: { BERTH_QUIET: "1" },
  });
  // Simulated hosts never heartbeat: keep them up for the whole run, however long a loaded machine takes.
  const config = { ...readConfig(), hostDownAfterSeconds: 24 * 3600 };
  const db = documentClientFor(config);
  const requests = countRequests(db);
  const rows: Array<{ hosts: number; rate: number; requestsPerPlacement: number; floor: number }> = [];
  let contention: ContentionRow[] = [];
  let contentionHosts = 0;
  try {
    let registered = 0;
    for (const count of hostCounts) {
      const stores = storesFor(config);
      await registerSimulatedHosts(stores.hosts, sqsClientFor(config), {
        count: count - registered,
        prefix: `${config.tableName}-${count}`,
      });
      registered = count;
      const project = `bench-${count}`;
      await stores.quotas.putProject(project, { containers: -1, cpu: -1, memory: -1, disk: -1 });
      const floor = await rawTransactionRate(db, config.tableName, placementsPerRun);
      await place(config, project, 50); // warm the snapshot and the connections
      requests.reset();
      const started = performance.now();
      await place(config, project, placementsPerRun);
      const seconds = (performance.now() - started) / 1000;
      rows.push({
        hosts: count,
        rate: placementsPerRun / seconds,
        requestsPerPlacement: requests.total() / placementsPerRun,
        floor,
      });
    }
    contention = await benchContention(config, db, requests);
    contentionHosts = registered;
  } finally {
    await stack.stop();
  }
  console.log(`\nscheduler, ${CLIENTS} concurrent clients, ${placementsPerRun} placements per row`);
  console.log(
    "  hosts   placements/s   DynamoDB requests/placement   raw TransactWriteItems/s   floor/placement ratio",
  );
  for (const row of rows) {
    console.log(
      `  ${String(row.hosts).padStart(5)}   ${row.rate.toFixed(1).padStart(12)}   ${row.requestsPerPlacement.toFixed(2).padStart(27)}   ${row.floor.toFixed(1).padStart(24)}   ${(row.floor / row.rate).toFixed(2).padStart(20)}×`,
    );
  }
  printContention(contention, contentionHosts);
  return { rows, contention };
}

interface ContentionRow {
  clients: number;
  instances: "one" | "one per client";
  strategy: "binpack" | "spread";
  rate: number;
  requestsPerPlacement: number;
  cancelled: number;
  p90: number;
  hostsUsed: number;
  floor: number;
}

/**
 * Placement under contention at one host count: 16 to 256 concurrent clients,
 * all in one function instance (one snapshot, one contention window) or each
 * standing for an instance of its own, against the raw transaction rate at the
 * same concurrency. `hosts used` is how tightly the placements packed.
 */
async function benchContention(
  config: ReturnType<typeof readConfig>,
  db: ReturnType<typeof documentClientFor>,
  requests: ReturnType<typeof countRequests>,
): Promise<ContentionRow[]> {
  const stores = storesFor(config);
  const rows: ContentionRow[] = [];
  const only = process.env.BENCH_CLIENTS?.split(",").map(Number);
  for (const clients of only ?? [16, 64, 256]) {
    const count = Math.max(400, clients * 4);
    const floor = await rawTransactionRate(db, config.tableName, count, clients);
    for (const instances of ["one", "one per client"] as const) {
      // An instance per client re-reads every host per instance: past 64 of them the emulator
      // spends minutes on snapshots alone (the host-state cost this table does not yet solve).
      if (instances === "one per client" && clients > 64) continue;
      for (const strategy of ["binpack", "spread"] as const) {
        const project = `bench-c${clients}-${instances === "one" ? "1" : "n"}-${strategy}`;
        await stores.quotas.putProject(project, { containers: -1, cpu: -1, memory: -1, disk: -1 });
        requests.reset();
        const started = performance.now();
        const latencies = await place(config, project, count, clients, instances, strategy);
        const seconds = (performance.now() - started) / 1000;
        const placed = await stores.containers.listByProject(project);
        rows.push({
          clients,
          instances,
          strategy,
          rate: count / seconds,
          requestsPerPlacement: requests.total() / count,
          cancelled: requests.cancelledShare(),
          p90: percentile(latencies, 0.9),
          hostsUsed: new Set(placed.map((container) => container.host_id)).size,
          floor,
        });
      }
    }
  }
  return rows;
}

function printContention(rows: ContentionRow[], hostCount: number): void {
  if (rows.length === 0) return;
  console.log(`\nplacement under contention at ${hostCount} hosts (0.1 cpu each: 80 fit on a host)`);
  console.log(
    "  clients  instances       strategy  placements/s  req/placement  cancelled  p90 ms  hosts used  raw tx/s  rate/raw",
  );
  for (const row of rows)
    console.log(
      `  ${String(row.clients).padStart(7)}  ${row.instances.padEnd(14)}  ${row.strategy.padEnd(8)}  ${row.rate.toFixed(1).padStart(12)}  ${row.requestsPerPlacement.toFixed(2).padStart(13)}  ${(row.cancelled * 100).toFixed(1).padStart(8)}%  ${row.p90.toFixed(0).padStart(6)}  ${String(row.hostsUsed).padStart(10)}  ${row.floor.toFixed(1).padStart(8)}  ${(row.rate / row.floor).toFixed(2).padStart(7)}×`,
    );
}

async function place(
  config: ReturnType<typeof readConfig>,
  project: string,
  count: number,
  clients = CLIENTS,
  instances: "one" | "one per client" = "one",
  strategy?: "binpack" | "spread",
): Promise<number[]> {
  const stores = storesFor(config);
  const sqs = sqsClientFor(config);
  const caller = { projectId: project, userId: "bench", roles: ["member"] };
  const latencies: number[] = [];
  let next = 0;
  const client = async () => {
    const instance = instances === "one" ? undefined : new PlacementInstance();
    while (next < count) {
      next++;
      const started = performance.now();
      const spec = validateCreateBody(
        { image: "berth-test/busybox:1", cpu: 0.1, memory: 16, disk: 1, ...(strategy ? { hints: { strategy } } : {}) },
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
async function rawTransactionRate(
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

/** Every DynamoDB request this client sends, and the transactions cancelled by another's on the same item. */
function countRequests(db: ReturnType<typeof documentClientFor>) {
  let total = 0;
  let transactions = 0;
  let conflicts = 0;
  db.middlewareStack.add(
    (next) => async (args) => {
      total++;
      const transaction = args.input !== null && typeof args.input === "object" && "TransactItems" in args.input;
      if (transaction) transactions++;
      try {
        return await next(args);
      } catch (error) {
        const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
        if (transaction && reasons.some((reason) => reason.Code === "TransactionConflict")) conflicts++;
        throw error;
      }
    },
    { step: "initialize", name: "countRequests" },
  );
  return {
    total: () => total,
    cancelledShare: () => (transactions === 0 ? 0 : conflicts / transactions),
    reset: () => {
      total = 0;
      transactions = 0;
      conflicts = 0;
    },
  };
}
