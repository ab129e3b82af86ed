import { randomUUID } from "node:crypto";
import { startLocalStack } from "../local/stack.ts";
import { readConfig } from "../shared/config.ts";
import type { GroupRecord } from "../shared/model/group.ts";
import { documentClientFor, sqsClientFor } from "../shared/store/clients.ts";
import { storesFor } from "../shared/store/stores.ts";
import { registerSimulatedHosts } from "../test/helpers/simulated-hosts.ts";
import { benchContention, type ContentionRow, printContention } from "./contention.ts";
import { CLIENTS, countRequests, GROUP_SIZE, place, rawTransactionRate } from "./placement-load.ts";

/**
 * Placements per second and DynamoDB requests per placement with 16 concurrent
 * clients at several host counts (simulated host items), next to the raw rate
 * of one TransactWriteItems of the same size on the same emulator: the floor.
 * Each host count then places a quarter as many again with every placement in
 * an anti-affinity group of GROUP_SIZE members placed back to back (their
 * places claimed in the same transaction), and removes them, so the hosts fill
 * as they did before groups were measured.
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
  const rows: Array<{ hosts: number; groups: string; rate: number; requestsPerPlacement: number; floor: number }> = [];
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
        groups: "none",
        rate: placementsPerRun / seconds,
        requestsPerPlacement: requests.total() / placementsPerRun,
        floor,
      });
      rows.push(
        await benchGroups(config, count, Math.max(GROUP_SIZE, Math.floor(placementsPerRun / 4)), requests, floor),
      );
    }
    contention = await benchContention(config, db, requests);
    contentionHosts = registered;
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
  printContention(contention, contentionHosts);
  return { rows, contention };
}

/** Placements in anti-affinity groups of GROUP_SIZE, measured, then removed again. */
async function benchGroups(
  config: ReturnType<typeof readConfig>,
  hostCount: number,
  count: number,
  requests: ReturnType<typeof countRequests>,
  floor: number,
) {
  const stores = storesFor(config);
  const project = `bench-groups-${hostCount}`;
  await stores.quotas.putProject(project, { containers: -1, cpu: -1, memory: -1, disk: -1 });
  const groups: string[] = [];
  for (let index = 0; index < Math.ceil(count / GROUP_SIZE); index++) {
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
    groups.push(group.uuid);
  }
  requests.reset();
  const started = performance.now();
  await place(config, project, count, CLIENTS, "one", undefined, groups);
  const seconds = (performance.now() - started) / 1000;
  const row = {
    hosts: hostCount,
    groups: `${groups.length}×${GROUP_SIZE} anti-affinity`,
    rate: count / seconds,
    requestsPerPlacement: requests.total() / count,
    floor,
  };
  for (const container of await stores.containers.listByProject(project))
    await stores.containers.removeAndRelease(container);
  return row;
}
