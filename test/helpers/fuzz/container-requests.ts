import { SLEEPER, TEST_IMAGE } from "../../../local/test-image.ts";
import type { Dice } from "./dice.ts";
import { hostileMap, hostileValue } from "./hostile-values.ts";
import type { FuzzTargets } from "./targets.ts";
import { credentials, type FuzzRequest, parameters, pathSegment, withBody } from "./wire.ts";

/** A zone no host is in: a create aimed there is recorded as Error without any Docker work. */
export const NOWHERE = "nowhere";

/** Plausible, and hostile, values for each field of a create body. */
const CREATE_FIELDS: Record<string, (roll: Dice) => unknown> = {
  name: (roll) => roll.pick(["ab", "a", "-bad", "x".repeat(256), "名前", "ok.name_1"]),
  image: (roll) =>
    roll.pick([TEST_IMAGE, "a", "UPPER/case", "ab:", `busybox@sha256:${"0".repeat(64)}`, "x".repeat(300), "🚀"]),
  command: (roll) => roll.pick([["true"], [], "echo hi", [1, 2], ["sh", null], ["x".repeat(5000)]]),
  entrypoint: (roll) => roll.pick([["sh"], [], "sh", [{}]]),
  cpu: (roll) => roll.pick([0.1, 0, -1, 0.05, 16.5, "0.5", "0.5.1", " 1 ", 1e308, "NaN"]),
  memory: (roll) => roll.pick([16, 4, 3, 8193, "16M", "1g", "16x", 16.5, -16, "0b", "99999999999999999999k"]),
  disk: (roll) => roll.pick([1, 0, 161, "10", "1.5", -3, 10.5]),
  environment: (roll) => hostileMap(roll),
  labels: (roll) => hostileMap(roll),
  hints: (roll) =>
    roll.chance(0.5)
      ? {
          strategy: roll.pick(["spread", "binpack", "bogus", ""]),
          group: roll.pick(["g1", "-", "x".repeat(300)]),
          group_policy: roll.pick(["affinity", "anti-affinity", "none"]),
        }
      : hostileMap(roll),
  workdir: (roll) => roll.pick(["/tmp", "", "relative", "x".repeat(256)]),
  hostname: (roll) => roll.pick(["host-1", "-bad-", "a", "x".repeat(64)]),
  runtime: (roll) => roll.pick(["runc", "", "nvidia"]),
  availability_zone: (roll) => roll.pick([NOWHERE, "", "x".repeat(256)]),
  image_pull_policy: (roll) => roll.pick(["never", "always", "ifnotpresent", "IfNotPresent", ""]),
  image_driver: (roll) => roll.pick(["docker", "glance", ""]),
  restart_policy: (roll) =>
    roll.pick([
      { Name: "on-failure", MaximumRetryCount: 3 },
      { Name: "always", MaximumRetryCount: 1 },
      { Name: "no" },
      { Name: "bogus" },
      { MaximumRetryCount: "x" },
      { Name: "no", extra: 1 },
      "always",
    ]),
  interactive: (roll) => roll.pick([true, "True", "yes", 1]),
  tty: (roll) => roll.pick([false, "False", 0, null]),
  auto_remove: (roll) => roll.pick([true, "true", "nope"]),
  auto_heal: (roll) => roll.pick([false, [], {}]),
  privileged: (roll) => roll.pick([false, true, "true"]),
  nets: (roll) => roll.pick([[], [{ network: "x" }], "net", {}]),
  mounts: (roll) =>
    roll.pick([
      [{ type: "volume", size: 1, destination: "/data" }],
      [{ type: "volume", source: "nothing", destination: "/data" }],
      [{ type: "bind", source: "aGVsbG8=", destination: "/etc/x" }],
      [{ type: "bind", source: "not base64!", destination: "/etc/x" }],
      [{ destination: "/" }],
      [
        { type: "volume", size: 1, destination: "/a" },
        { type: "volume", size: 1, destination: "/a" },
      ],
      [{ type: "tmpfs", destination: "/t" }],
      [{ size: "2", destination: "/d", auto_remove: "no" }],
      [null],
      Array.from({ length: 17 }, (_, index) => ({ size: 1, destination: `/m${index}` })),
      "mounts",
    ]),
  healthcheck: (roll) =>
    roll.pick([
      { cmd: "true", interval: 5, retries: 1, timeout: 1 },
      { cmd: "" },
      { cmd: "true", interval: -1 },
      { cmd: "true", interval: 1.5 },
      { test: ["x"] },
      [],
    ]),
  exposed_ports: (roll) =>
    roll.pick([
      { "80/tcp": {} },
      { "80": {} },
      { "0/tcp": {} },
      { "65536/tcp": {} },
      { "80/icmp": {} },
      { "80/tcp": { HostPort: 1 } },
      { "80/tcp": null },
      ["80/tcp"],
    ]),
  host: (roll) => roll.pick(["nowhere-host", "", "x".repeat(256)]),
  cpu_policy: (roll) => roll.pick(["shared", "dedicated"]),
  registry: (roll) => roll.pick(["none-such", ""]),
  security_groups: (roll) => roll.pick([["default"], ["other"], "default", [null]]),
};

/** POST /v1/containers: a small valid body with a few fields made wrong, odd, or unknown. */
export function createRequest(roll: Dice, targets: FuzzTargets): FuzzRequest {
  const name = `fz-${++targets.serial}`;
  const realRun = targets.realRunsLeft > 0 && roll.chance(0.03);
  const body: Record<string, unknown> = { name, image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 };
  if (realRun) {
    targets.realRunsLeft--;
  } else {
    body.availability_zone = NOWHERE;
    const fields = Object.keys(CREATE_FIELDS);
    for (let mutations = roll.int(0, 2); mutations > 0; mutations--) {
      const field = roll.pick(fields);
      body[field] = roll.chance(0.7) ? CREATE_FIELDS[field]!(roll) : hostileValue(roll);
    }
    if (roll.chance(0.08))
      Object.defineProperty(body, roll.pick(["unknown", "__proto__", "constructor", "Image", ""]), {
        value: hostileValue(roll),
        enumerable: true,
      });
    // Whatever else was mutated, nothing but a deliberate real run may land on a host.
    if (typeof body.availability_zone !== "string" || body.availability_zone === "") body.availability_zone = NOWHERE;
  }
  const query = realRun
    ? [["run", "true"] as [string, string]]
    : parameters(roll, { run: ["true", "false", "True", "1"] });
  const headers = credentials(roll);
  if (roll.chance(0.08))
    headers["idempotency-key"] = roll.pick(["key-1", "", " ", "k".repeat(300), `key-${targets.serial}`]);
  const named = body.name === name ? name : undefined;
  return {
    route: "POST /v1/containers",
    method: "POST",
    path: "/v1/containers",
    query,
    ...withBody(roll, headers, body),
    createsName: named,
  };
}

/** GET /v1/containers with filters, paging and sorting, valued plausibly or not. */
export function listRequest(roll: Dice, targets: FuzzTargets): FuzzRequest {
  const query = parameters(roll, {
    limit: ["1", "5", "1000", "1001", "0", "-1", "1.5", "abc"],
    marker: [...targets.containers.slice(0, 6), "00000000-0000-0000-0000-000000000000", "x".repeat(2100)],
    sort_key: ["id", "name", "created_at", "memory", "cpu", "bogus", "__proto__", "labels"],
    sort_dir: ["asc", "desc", "up"],
    all_projects: ["true", "false", "1", "maybe"],
    name: ["fz-1", ""],
    image: [TEST_IMAGE],
    status: ["Running", "Error", "Created"],
    memory: ["16", "x"],
    host: ["x"],
    task_state: ["creating", "None"],
    auto_remove: ["true", "false", "sometimes"],
    project_id: ["demo", "other"],
    user_id: ["admin", "member"],
  });
  return { route: "GET /v1/containers", method: "GET", path: "/v1/containers", query, headers: credentials(roll) };
}

/** GET, PATCH or DELETE /v1/containers/{id}. */
export function containerRequest(roll: Dice, targets: FuzzTargets): FuzzRequest {
  const id = pathSegment(roll, targets.containers);
  const path = `/v1/containers/${id}`;
  const method = roll.pick(["GET", "PATCH", "PATCH", "DELETE"]);
  if (method === "GET")
    return {
      route: "GET /v1/containers/{id}",
      method,
      path,
      query: parameters(roll, { all_projects: ["true"] }),
      headers: credentials(roll),
    };
  if (method === "DELETE") {
    const query = parameters(roll, {
      stop: ["true", "false", "True", "x"],
      force: ["true", "false", "1", "x"],
      all_projects: ["true"],
    });
    return { route: "DELETE /v1/containers/{id}", method, path, query, headers: credentials(roll) };
  }
  const update: Record<string, unknown> = {};
  const plausible: Record<string, () => unknown> = {
    cpu: () => roll.pick([0.1, 0.2, 0, 17, "0.3", "x", null]),
    memory: () => roll.pick([16, 24, "32m", 3, "lots", null]),
    name: () => roll.pick([`fz-renamed-${++targets.serial}`, "a", "-x", "名前", null]),
    auto_heal: () => roll.pick([true, false, "yes", 1]),
  };
  for (const field of Object.keys(plausible))
    if (roll.chance(0.35)) update[field] = roll.chance(0.8) ? plausible[field]!() : hostileValue(roll);
  if (roll.chance(0.05)) update[roll.pick(["image", "__proto__", "status"])] = TEST_IMAGE;
  return {
    route: "PATCH /v1/containers/{id}",
    method,
    path,
    query: parameters(roll, { all_projects: ["true"] }),
    ...withBody(roll, credentials(roll), update),
  };
}
