import { randomUUID } from "node:crypto";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { startLocalStack } from "../local/stack.ts";
import { readConfig } from "../shared/config.ts";
import { createContainer } from "../shared/containers/create-container.ts";
import { validateCreateBody } from "../shared/containers/validate-create.ts";
import type { GroupRecord } from "../shared/groups/record.ts";
import { documentClientFor, sqsClientFor } from "../shared/store/clients.ts";
import { storesFor } from "../shared/store/stores.ts";
import { registerSimulatedHosts } from "../test/helpers/simulated-hosts.ts";

const CLIENTS = 16;
/** Members per anti-affinity group in the groups rows: fewer than the smallest host count, so every one fits. */
const GROUP_SIZE = 4;

/**
 * Placements per second and DynamoDB requests per placement with 16 concurrent
 * clients at several host counts (simulated host items), next to the raw rate
 * of one TransactWriteItems of the same size on the same emulator: the floor.
 * Each host count runs twice: without groups, and with every placement in one
 * of the anti-affinity groups of GROUP_SIZE members (their places claimed in
 * the same transaction).
 */
export async function benchScheduler(hostCounts: number[], placementsPerRun: number) {
  const stack = await startLocalStack({
    stage: `sched${Date.now().toString(36)}`,
    agents: 0,
    scheduleEverySeconds: 0,
    agentOutput: "ignore",
    environment: { BERTH_QUIET: "1" },
  });
  const config = readConfig();
  const db = documentClientFor(config);
  const requests = countRequests(db);
  const rows: Array<{ hosts: number; groups: string; rate: number; requestsPerPlacement: number; floor: number }> = [];
  try {
    let registered = 0;
    for (const count of hostCounts) {
      const stores = storesFor(config);
      await registerSimulatedHosts(stores.hosts, sqsClientFor(config), {
        count: count - registered,
        prefix: `${config.tableName}-${count}`,
        // Room at 10 hosts for both rows' placements.
        cpus: 32,
      });
      registered = count;
      const project = `bench-${count}`;
      await stores.quotas.putProject(project, { containers: -1, cpu: -1, memory: -1, disk: -1 });
      const floor = await rawTransactionRate(db, config.tableName, placementsPerRun);
      await place(config, project, 50); // warm the snapshot and the connections
      for (const groups of [[], await antiAffinityGroups(stores, project, placementsPerRun)]) {
        requests.reset();
        const started = performance.now();
        await place(config, project, placementsPerRun, groups);
        const seconds = (performance.now() - started) / 1000;
        rows.push({
          hosts: count,
          groups: groups.length ? `${groups.length}×${GROUP_SIZE} anti-affinity` : "none",
          rate: placementsPerRun / seconds,
          requestsPerPlacement: requests.total() / placementsPerRun,
          floor,
        });
      }
    }
  } finally {
    await stack.stop();
  }
  console.log(`\nscheduler, ${CLIENTS} concurrent clients, ${placementsPerRun} placements per row`);
  console.log(
    "  hosts   groups                 placements/s   DynamoDB requests/placement   raw TransactWriteItems/s   floor/placement ratio",
  );
  for (const row of rows) {
    console.log(
      `  ${String(row.hosts).padStart(5)}   ${row.groups.padEnd(20)}   ${row.rate.toFixed(1).padStart(12)}   ${row.requestsPerPlacement.toFixed(2).padStart(27)}   ${row.floor.toFixed(1).padStart(24)}   ${(row.floor / row.rate).toFixed(2).padStart(20)}×`,
    );
  }
  return rows;
}

/** Enough anti-affinity groups of GROUP_SIZE members for `placements`, made in `project`. */
async function antiAffinityGroups(
  stores: ReturnType<typeof storesFor>,
  project: string,
  placements: number,
): Promise<string[]> {
  const uuids: string[] = [];
  for (let index = 0; index < Math.ceil(placements / GROUP_SIZE); index++) {
    const group: GroupRecord = {
      uuid: randomUUID(),
      name: `bench-${index}`,
      policy: "anti-affinity",
      rules: {},
      project_id: project,
      user_id: "bench",
      created_at: new Date().toISOString(),
    };
    await stores.groups.create(group);
    uuids.push(group.uuid);
  }
  return uuids;
}

async function place(
  config: ReturnType<typeof readConfig>,
  project: string,
  count: number,
  groups: string[] = [],
): Promise<void> {
  const stores = storesFor(config);
  const sqs = sqsClientFor(config);
  const caller = { projectId: project, userId: "bench", roles: ["member"] };
  let next = 0;
  const client = async () => {
    while (next < count) {
      const index = next++;
      // Consecutive placements share a group, so its members race each other for hosts.
      const hints = groups.length ? { group: groups[Math.floor(index / GROUP_SIZE) % groups.length]! } : {};
      const spec = validateCreateBody(
        { image: "berth-test/busybox:1", cpu: 0.1, memory: 16, disk: 1, hints },
        { isAdmin: false },
      );
      const record = await createContainer(
        { spec, run: false, idempotencyKey: undefined, fingerprintOf: null },
        { caller, requestId: `req-${randomUUID()}`, config },
        stores,
        sqs,
      );
      if (record.status === "Error") throw new Error(`placement failed: ${record.status_reason}`);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
}

/** The floor: one transaction the size of a placement's (host, quota, class check, container, name, action), no conflicts. */
async function rawTransactionRate(
  db: ReturnType<typeof documentClientFor>,
  table: string,
  count: number,
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
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return count / ((performance.now() - started) / 1000);
}

function countRequests(db: ReturnType<typeof documentClientFor>) {
  let total = 0;
  db.middlewareStack.add(
    (next) => async (args) => {
      total++;
      return next(args);
    },
    { step: "initialize", name: "countRequests" },
  );
  return { total: () => total, reset: () => void (total = 0) };
}
