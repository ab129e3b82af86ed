import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
  // The largest disk (160 GiB) is over the default project quota (100 GiB).
  expect((await berth.api("PUT", "/v1/quotas/demo", { body: { disk: -1 } })).status).toBe(200);
});
afterAll(async () => {
  await berth?.stop();
});

const base = { image: TEST_IMAGE, command: ["true"] };
const longName = (length: number) => `n${"x".repeat(length - 1)}`;

/** Each create field's limit, just outside (refused, naming the field) and just inside (accepted). */
const LIMITS: Array<{ field: string; outside: Record<string, unknown>; inside: Record<string, unknown> }> = [
  { field: "memory", outside: { memory: 3 }, inside: { memory: 4 } },
  { field: "memory", outside: { memory: 8193 }, inside: { memory: "8192" } },
  { field: "memory", outside: { memory: "9g" }, inside: { memory: "8g" } },
  { field: "cpu", outside: { cpu: 0.09 }, inside: { cpu: 0.1 } },
  { field: "cpu", outside: { cpu: 16.1 }, inside: { cpu: "16.0" } },
  { field: "disk", outside: { disk: 0 }, inside: { disk: 1 } },
  { field: "disk", outside: { disk: 161 }, inside: { disk: 160 } },
  { field: "name", outside: { name: "n" }, inside: { name: "nn" } },
  { field: "name", outside: { name: longName(256) }, inside: { name: longName(255) } },
  { field: "image", outside: { image: "b" }, inside: { image: "bb" } },
  { field: "image", outside: { image: `i${"x".repeat(255)}` }, inside: { image: `i${"x".repeat(254)}` } },
  { field: "hostname", outside: { hostname: "h" }, inside: { hostname: "hh" } },
  { field: "hostname", outside: { hostname: `h${"x".repeat(63)}` }, inside: { hostname: `h${"x".repeat(62)}` } },
  {
    field: "restart_policy.MaximumRetryCount",
    outside: { restart_policy: { Name: "always", MaximumRetryCount: 1 } },
    inside: { restart_policy: { Name: "on-failure", MaximumRetryCount: 1 } },
  },
  {
    field: "restart_policy.Name",
    outside: { restart_policy: { Name: "sometimes" } },
    inside: { restart_policy: { Name: "unless-stopped" } },
  },
  {
    field: "healthcheck.retries",
    outside: { healthcheck: { cmd: "true", retries: -1 } },
    inside: { healthcheck: { cmd: "true", retries: 0 } },
  },
  { field: "healthcheck.cmd", outside: { healthcheck: { cmd: "" } }, inside: { healthcheck: { cmd: "t" } } },
  {
    field: "exposed_ports",
    outside: { exposed_ports: { "65536/tcp": {} } },
    inside: { exposed_ports: { "65535/tcp": {} } },
  },
  { field: "image_pull_policy", outside: { image_pull_policy: "Always" }, inside: { image_pull_policy: "always" } },
  { field: "auto_remove", outside: { auto_remove: "yes" }, inside: { auto_remove: true } },
  { field: "labels.team", outside: { labels: { team: 7 } }, inside: { labels: { team: "7" } } },
];

describe("create field limits", () => {
  it.each(LIMITS)("$field: $outside is refused naming it and stores nothing", async ({ field, outside }) => {
    const response = await berth.api("POST", "/v1/containers", { body: { ...base, ...outside } });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].detail).toContain(`field/attribute ${field}`);
  });

  it("nothing was stored by any refused request", async () => {
    expect((await berth.api("GET", "/v1/containers")).body.containers).toEqual([]);
  });

  it.each(LIMITS)("$field: $inside is accepted", async ({ inside }) => {
    const response = await berth.api("POST", "/v1/containers", { body: { ...base, ...inside } });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    await berth.api("DELETE", `/v1/containers/${response.body.uuid}?force=true`);
  });
});
