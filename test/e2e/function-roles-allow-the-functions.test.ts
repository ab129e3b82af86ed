import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchRoute } from "../../local/gateway.ts";
import { loadServerlessConfig, PROJECT_ROOT } from "../../local/serverless-config.ts";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { readConfig } from "../../shared/config.ts";
import { type ApiResponse, removeLeftoverVolumes, startBerth, type TestBerth } from "../helpers/berth.ts";
import { type HostPolicyProxy, type PolicyStatement, startHostPolicyProxy } from "../helpers/host-policy-proxy.ts";

/**
 * Each HTTP function's DynamoDB traffic goes through a proxy applying the grants
 * its `permissions:` names in serverless.yml, as IAM would apply its own role:
 * every route, called as a client would, must need nothing its role lacks.
 * Requests go one at a time, each function's endpoint set just before it runs
 * (the local stack runs the functions in this process).
 */
let berth: TestBerth;
const proxies = new Map<string, HostPolicyProxy>();
const routes = loadServerlessConfig("ci", "us-east-1").routes;
const PULLED_REPO = "berth-test/roles-pulled";
let hostname: string;

beforeAll(async () => {
  berth = await startBerth();
  hostname = (await berth.stores.hosts.list())[0]!.hostname;
  // The image this test pulls and deletes is a tag of its own: deleting an image removes its tag
  // from the host's Docker, and the tag every other test file runs must stay.
  await berth.docker.getImage(TEST_IMAGE).tag({ repo: PULLED_REPO, tag: "1" });
  const raw = yaml.load(readFileSync(`${PROJECT_ROOT}serverless.yml`, "utf8")) as any;
  const target = readConfig().dynamodbEndpoint!;
  for (const [name, definition] of Object.entries<any>(raw.functions)) {
    const statements: PolicyStatement[] = definition.permissions.flatMap(
      (grant: string) => raw.custom.permissions[grant],
    );
    proxies.set(name, await startHostPolicyProxy(target, statements));
  }
}, 180_000);
afterAll(async () => {
  await berth?.stop();
  if (berth) await removeLeftoverVolumes(berth);
  await berth?.docker
    .getImage(`${PULLED_REPO}:1`)
    .remove()
    .catch(() => undefined);
  for (const proxy of proxies.values()) await proxy.stop();
});

/** A request through the gateway, with DynamoDB seen through the proxy of the function its route runs. */
async function call(method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const { route } = matchRoute(routes, method, path.split("?")[0]!);
  const before = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = proxies.get(route.functionName)!.endpoint;
  try {
    const response = await berth.api(method, path, { body });
    const refused = proxies.get(route.functionName)!.denials;
    if (refused.length > 0) throw new Error(`${route.functionName} was refused: ${JSON.stringify(refused)}`);
    return response;
  } finally {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = before;
  }
}

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("each function's own role", () => {
  it("allows every route what it does, and nothing was refused", async () => {
    const created = await call("POST", "/v1/containers?run=true", {
      name: "roles",
      image: TEST_IMAGE,
      command: SLEEPER,
      cpu: 0.1,
      memory: 16,
      mounts: [{ type: "volume", size: 1, destination: "/data" }],
    });
    expect(created.status).toBe(202);
    await until(async () => (await call("GET", "/v1/containers/roles")).body.status === "Running", "Running");
    expect((await call("GET", "/v1/containers")).status).toBe(200);
    expect((await call("GET", "/v1/containers?all_projects=true")).status).toBe(200);
    expect((await call("PATCH", "/v1/containers/roles", { cpu: 0.2 })).status).toBe(200);
    expect((await call("POST", "/v1/containers/roles/execute?run=true", { command: "echo hi" })).status).toBe(200);
    expect((await call("GET", "/v1/containers/roles/logs")).status).toBe(200);
    expect((await call("GET", "/v1/containers/roles/top")).status).toBe(200);
    const actions = await call("GET", "/v1/containers/roles/container_actions");
    expect(actions.status).toBe(200);
    const requestId = actions.body.containerActions[0].request_id;
    expect((await call("GET", `/v1/containers/roles/container_actions/${requestId}`)).status).toBe(200);
    expect((await call("POST", "/v1/containers/roles/stop?timeout=1")).status).toBe(202);
    await until(async () => (await call("GET", "/v1/containers/roles")).body.status === "Stopped", "Stopped");

    const volumes = await call("GET", "/v1/volumes");
    expect(volumes.status).toBe(200);
    expect((await call("GET", `/v1/volumes/${volumes.body.volumes[0].uuid}`)).status).toBe(200);

    expect(
      (
        await call("POST", "/v1/registries", {
          registry: { name: "reg", domain: "registry.example", username: "u", password: "p" },
        })
      ).status,
    ).toBe(201);
    expect((await call("GET", "/v1/registries")).status).toBe(200);
    expect((await call("GET", "/v1/registries/reg")).status).toBe(200);
    expect((await call("PATCH", "/v1/registries/reg", { registry: { password: "q" } })).status).toBe(200);
    expect((await call("DELETE", "/v1/registries/reg")).status).toBe(204);

    const pulled = await call("POST", "/v1/images", { repo: PULLED_REPO, tag: "1", host: hostname });
    expect(pulled.status).toBeLessThan(300);
    expect((await call("GET", "/v1/images")).status).toBe(200);
    expect((await call("GET", `/v1/images/${pulled.body.uuid}`)).status).toBe(200);
    expect((await call("GET", "/v1/images/busybox/search")).status).toBeLessThan(500);

    expect((await call("GET", "/v1/hosts")).status).toBe(200);
    expect((await call("GET", `/v1/hosts/${hostname}`)).status).toBe(200);
    expect((await call("GET", "/v1/services")).status).toBe(200);
    expect((await call("PUT", "/v1/services/disable", { host: hostname, binary: "zun-compute" })).status).toBe(200);
    expect((await call("PUT", "/v1/services/enable", { host: hostname, binary: "zun-compute" })).status).toBe(200);
    expect((await call("GET", "/v1/availability_zones")).status).toBe(200);

    expect((await call("GET", "/v1/quotas/demo?usages=true")).status).toBe(200);
    expect((await call("PUT", "/v1/quotas/demo", { containers: 30 })).status).toBe(200);
    expect((await call("GET", "/v1/quotas/demo/defaults")).status).toBe(200);
    expect((await call("DELETE", "/v1/quotas/demo")).status).toBeLessThan(300);
    expect((await call("GET", "/v1/quota_classes/default")).status).toBe(200);
    expect((await call("PUT", "/v1/quota_classes/default", { containers: 40 })).status).toBe(200);

    // For the dead-letter consumer below: a container whose host will be gone when a stop is asked.
    const lettered = await call("POST", "/v1/containers?run=true", {
      name: "lettered",
      image: TEST_IMAGE,
      command: SLEEPER,
      cpu: 0.1,
      memory: 16,
    });
    await until(async () => (await call("GET", "/v1/containers/lettered")).body.status === "Running", "Running");
    expect((await call("DELETE", "/v1/containers/roles?force=true")).status).toBe(204);
    await berth.waitForGone(created.body.uuid);
    expect((await call("DELETE", `/v1/volumes/${volumes.body.volumes[0].uuid}`)).status).toBeLessThan(500);
    expect((await call("DELETE", `/v1/images/${pulled.body.uuid}`)).status).toBeLessThan(500);

    // The scheduled functions, as their schedules would run them.
    for (const [name, file] of [
      ["reconcile", "functions/reconcile/reconcile.ts"],
      ["audit", "functions/audit/audit.ts"],
    ] as const) {
      const before = process.env.AWS_ENDPOINT_URL_DYNAMODB;
      process.env.AWS_ENDPOINT_URL_DYNAMODB = proxies.get(name)!.endpoint;
      try {
        await (await import(`${PROJECT_ROOT}${file}`)).handler({}, { functionName: name });
      } finally {
        process.env.AWS_ENDPOINT_URL_DYNAMODB = before;
      }
      expect(proxies.get(name)!.accesses.length, name).toBeGreaterThan(0);
    }

    // The dead-letter consumer, given the work a host never did: its agent is gone when a stop is asked.
    const agent = berth.stack.agents[0]!;
    const gone = new Promise((resolve) => agent.once("exit", resolve));
    agent.kill("SIGKILL");
    await gone;
    expect((await call("POST", "/v1/containers/lettered/stop?timeout=1")).status).toBe(202);
    const record = (await berth.stores.containers.get(lettered.body.uuid)) as { pending_message?: unknown } | undefined;
    expect(record?.pending_message).toBeTruthy();
    const before = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = proxies.get("deadLetters")!.endpoint;
    try {
      const { handler } = await import(`${PROJECT_ROOT}functions/dead-letters/dead-letters.ts`);
      const settled = await handler({ Records: [{ messageId: "m1", body: JSON.stringify(record!.pending_message) }] });
      expect(settled.batchItemFailures).toEqual([]);
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = before;
    }
    expect(proxies.get("deadLetters")!.accesses.some((access) => access.action !== "dynamodb:GetItem")).toBe(true);

    const refused = [...proxies].flatMap(([name, proxy]) => proxy.denials.map((denial) => ({ name, ...denial })));
    expect(refused).toEqual([]);
    // The proxies did see the functions' work.
    expect(proxies.get("createContainer")!.accesses.length).toBeGreaterThan(0);
    expect(proxies.get("listContainers")!.accesses.some((access) => access.resource === "index/gsi2")).toBe(true);
  }, 240_000);
});
