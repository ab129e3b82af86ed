import { afterAll, beforeAll, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { sqsClientFor } from "../../shared/store/clients.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";
import { registerSimulatedHosts } from "../helpers/simulated-hosts.ts";

let berth: TestBerth;
let hostIds: string[];

beforeAll(async () => {
  // No agent: ten simulated hosts of 2 cpus, 2 GiB and 100 GiB each.
  berth = await startBerth({ agents: 0 });
  hostIds = await registerSimulatedHosts(berth.stores.hosts, sqsClientFor(readConfig()), {
    count: 10,
    prefix: berth.deployment,
    cpus: 2,
    memoryMiB: 2048,
    diskGiB: 100,
  });
  expect(
    (await berth.api("PUT", "/v1/quotas/demo", { body: { containers: 150, cpu: 18, memory: -1, disk: -1 } })).status,
  ).toBe(200);
});
afterAll(async () => {
  await berth?.stop();
});

it("200 creates from 16 concurrent clients onto 10 hosts and one quota: every account exact, nothing over", async () => {
  const sizes = [
    { cpu: 0.1, memory: 64 },
    { cpu: 0.25, memory: 128 },
    { cpu: 0.5, memory: 256 },
  ];
  let next = 0;
  const statuses: number[] = [];
  const client = async () => {
    while (next < 200) {
      const index = next++;
      const size = sizes[index % sizes.length]!;
      const response = await berth.api("POST", "/v1/containers", {
        body: { name: `c${index}`, image: TEST_IMAGE, disk: 1, ...size },
      });
      statuses.push(response.status);
    }
  };
  await Promise.all(Array.from({ length: 16 }, client));

  const containers = (await berth.stores.containers.listByProject("demo")).filter((c) => c.claim && c.host_id);
  const refusedByQuota = statuses.filter((status) => status === 403).length;
  expect(statuses.every((status) => status === 202 || status === 403)).toBe(true);
  expect(
    containers.length +
      refusedByQuota +
      (await berth.stores.containers.listByProject("demo")).filter((c) => !c.host_id).length,
  ).toBe(200);

  for (const id of hostIds) {
    const host = (await berth.stores.hosts.get(id))!;
    const mine = containers.filter((c) => c.host_id === id);
    expect(host.cpu_used_millis).toBe(mine.reduce((sum, c) => sum + c.claim!.cpuMillis, 0));
    expect(host.mem_used).toBe(mine.reduce((sum, c) => sum + c.claim!.memory, 0));
    expect(host.disk_used).toBe(mine.reduce((sum, c) => sum + c.claim!.disk, 0));
    expect(host.total_containers).toBe(mine.length);
    expect(host.cpu_used_millis).toBeLessThanOrEqual(host.cpu_total_millis);
    expect(host.mem_used).toBeLessThanOrEqual(host.mem_total);
  }

  const quota = await berth.stores.quotas.getProject("demo");
  expect(quota.usage.containers).toBe(containers.length);
  expect(quota.usage.cpuMillis).toBe(containers.reduce((sum, c) => sum + c.claim!.cpuMillis, 0));
  expect(quota.usage.memory).toBe(containers.reduce((sum, c) => sum + c.claim!.memory, 0));
  expect(quota.usage.cpuMillis).toBeLessThanOrEqual(18_000);
  expect(quota.usage.containers).toBeLessThanOrEqual(150);
  // The quota, not the hosts, is what ran out: 18 cpus of the hosts' 20.
  expect(refusedByQuota).toBeGreaterThan(0);
});
