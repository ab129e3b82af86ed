import { afterAll, beforeAll, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
});
afterAll(async () => {
  await berth?.stop();
});

it("places exactly as many of 20 simultaneous creates as one host has room for", async () => {
  const host = (await berth.stores.hosts.list())[0]!;
  // Room for exactly five: each asks a fifth of the host's real cpus.
  const cpu = host.cpu_total_millis / 5 / 1000;
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      berth.api("POST", "/v1/containers?run=true", {
        body: { name: `crowd-${index}`, image: TEST_IMAGE, command: SLEEPER, cpu, memory: 16 },
      }),
    ),
  );
  expect(responses.map((response) => response.status)).toEqual(Array(20).fill(202));

  const rejected = responses.filter((response) => response.body.status === "Error");
  const placed = responses.filter((response) => response.body.status !== "Error");
  expect(placed).toHaveLength(5);
  expect(rejected).toHaveLength(15);
  for (const response of rejected) {
    expect(response.body.status_reason).toMatch(
      /^No valid host was found: 1 host: 1 insufficient cpu \(need [\d.]+, best has [\d.]+\)\.$/,
    );
    expect(response.body.host).toBeNull();
  }

  const after = (await berth.stores.hosts.get(host.id))!;
  expect(after.cpu_used_millis).toBe(5 * Math.round(cpu * 1000));
  expect(after.cpu_used_millis).toBeLessThanOrEqual(after.cpu_total_millis);
  expect(after.mem_used).toBe(5 * 16);
  expect(after.total_containers).toBe(5);

  for (const response of placed)
    await berth.waitForContainer(response.body.uuid, (c) => c.status === "Running", 30_000);
  expect(await berth.dockerContainers()).toHaveLength(5);
  const listed = await berth.api("GET", "/v1/containers");
  expect(listed.body.containers).toHaveLength(20);
});
