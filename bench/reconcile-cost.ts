import { randomUUID } from "node:crypto";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { handler as reconcile } from "../functions/reconcile/reconcile.ts";
import { startLocalStack } from "../local/stack.ts";
import { readConfig } from "../shared/config.ts";
import { validateCreateBody } from "../shared/containers/validate-create.ts";
import type { ContainerRecord } from "../shared/model/container.ts";
import { documentClientFor, sqsClientFor } from "../shared/store/clients.ts";
import { keys } from "../shared/store/keys.ts";
import { pendingWork } from "../shared/store/pending-work.ts";
import { storesFor } from "../shared/store/stores.ts";
import { registerSimulatedHosts } from "../test/helpers/simulated-hosts.ts";

const HOSTS = 10;
const STALE = 10;

/**
 * Items read by one reconcile run over a table of 10 containers and of 10,000
 * (on 10 hosts), 10 of them with work overdue each time: the run should read
 * what can have changed, not the table, so the two figures stay within 2×.
 */
export async function benchReconcileCost(sizes: [number, number] = [10, 10_000]) {
  const stack = await startLocalStack({
    stage: `recon${Date.now().toString(36)}`,
    agents: 0,
    scheduleEverySeconds: 0,
    agentOutput: "ignore",
    environment: { BERTH_QUIET: "1" },
  });
  const rows: Array<{ containers: number; itemsRead: number; requests: number; resent: number }> = [];
  try {
    const config = readConfig();
    const hosts = await registerSimulatedHosts(storesFor(config).hosts, sqsClientFor(config), {
      count: HOSTS,
      prefix: `${config.tableName}-bench`,
      memoryMiB: 1 << 30,
      diskGiB: 1 << 30,
    });
    let seeded = 0;
    for (const size of sizes) {
      await seedContainers(config, hosts, size - seeded, STALE);
      seeded = size;
      const report = await reconcile();
      rows.push({
        containers: size,
        itemsRead: report.itemsRead,
        requests: report.dynamodbRequests,
        resent: report.overdue.resent,
      });
    }
  } finally {
    await stack.stop();
  }
  console.log(`\nreconcile cost, one run, ${HOSTS} hosts, ${STALE} containers with overdue work`);
  console.log("  containers   items read   DynamoDB requests   overdue re-sent");
  for (const row of rows)
    console.log(
      `  ${String(row.containers).padStart(10)}   ${String(row.itemsRead).padStart(10)}   ${String(row.requests).padStart(17)}   ${String(row.resent).padStart(15)}`,
    );
  const [small, large] = rows;
  console.log(
    `  items read at ${large!.containers} ÷ at ${small!.containers}: ${(large!.itemsRead / small!.itemsRead).toFixed(2)}× (goal ≤ 2×; reading every container would be ${large!.containers} items)`,
  );
  return rows;
}

/** Writes `count` settled containers spread over the hosts, `stale` of them with work whose deadline has passed. */
async function seedContainers(
  config: ReturnType<typeof readConfig>,
  hosts: string[],
  count: number,
  stale: number,
): Promise<void> {
  const db = documentClientFor(config);
  const spec = validateCreateBody(
    { image: "berth-test/busybox:1", cpu: 0.1, memory: 16, disk: 1 },
    { caller: { projectId: "bench", userId: "bench", roles: ["member"] } },
  );
  const now = new Date().toISOString();
  const items = Array.from({ length: count }, (_, index) => {
    const uuid = randomUUID();
    const hostId = hosts[index % hosts.length]!;
    const overdue = index < stale;
    const record: ContainerRecord = {
      ...spec,
      name: `bench-${uuid.slice(0, 8)}`,
      mounts: [],
      uuid,
      project_id: "bench",
      user_id: "bench",
      status: overdue ? "Creating" : "Running",
      status_reason: null,
      task_state: null,
      host_id: hostId,
      host: hostId,
      claim: { cpuMillis: 100, memory: 16, disk: 1, ports: 0 },
      container_id: overdue ? null : `docker-${uuid}`,
      generation: 1,
      settled_generation: overdue ? 0 : 1,
      created_at: now,
      updated_at: now,
      ...(overdue
        ? pendingWork(
            { kind: "create", container_uuid: uuid, generation: 1, request_id: `req-${uuid}`, run: true },
            1,
            0,
            Date.now() - 60_000,
          )
        : {}),
    };
    return {
      ...record,
      ...keys.container(uuid),
      ...keys.containerIndexes("bench", now, uuid),
      ...keys.containerOnHost(hostId, uuid),
    };
  });
  let next = 0;
  const writer = async () => {
    while (next < items.length) {
      const batch = items.slice(next, next + 25);
      next += 25;
      let pending: Record<string, unknown>[] | undefined = batch.map((item) => ({ PutRequest: { Item: item } }));
      while (pending && pending.length > 0) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [config.tableName]: pending as never } }));
        pending = result.UnprocessedItems?.[config.tableName] as Record<string, unknown>[] | undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, writer));
}
