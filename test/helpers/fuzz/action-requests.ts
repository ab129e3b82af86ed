import { TEST_IMAGE } from "../../../local/test-image.ts";
import type { Dice } from "./dice.ts";
import { hostileString, hostileValue } from "./hostile-values.ts";
import type { FuzzTargets } from "./targets.ts";
import { credentials, encodedSegment, type FuzzRequest, parameters, pathSegment, withBody } from "./wire.ts";

type Parameters = Record<string, readonly string[]>;

const TIMEOUTS = ["0", "1", "3600", "3601", "-1", "1.5", "soon"];

/** POST /v1/containers/{id}/{action}: each action's own parameters, valued plausibly or not. */
const POST_ACTIONS: Record<string, (roll: Dice, targets: FuzzTargets) => { query: Parameters; body?: unknown }> = {
  start: () => ({ query: {} }),
  stop: () => ({ query: { timeout: TIMEOUTS } }),
  reboot: () => ({ query: { timeout: TIMEOUTS } }),
  pause: () => ({ query: {} }),
  unpause: () => ({ query: {} }),
  kill: () => ({ query: { signal: ["SIGTERM", "KILL", "hup", "9", "0", "65", "SIGFOO", "-9", "SIGRTMIN+3"] } }),
  rebuild: () => ({
    query: { image: [TEST_IMAGE, "fuzz-none/nothing:1", "UPPER", "a"], image_driver: ["docker", "glance"] },
  }),
  rename: (_roll, targets) => ({
    query: { name: [`fz-renamed-${++targets.serial}`, "a", "-x", ...targets.containers.slice(0, 2)] },
  }),
  resize_container: (roll) => ({
    query: {},
    body: {
      cpu: roll.pick([0.1, 0.2, 99, "x", null]),
      memory: roll.pick([16, 20, "1g", 0, -4]),
      ...(roll.chance(0.2) ? { name: "x" } : {}),
    },
  }),
  execute: (roll) => ({
    query: {
      command: ["echo hi", "true", "ls /", "cat /nothing", "sh -c 'exit 3'", '"unclosed', ""],
      run: ["true", "false", "1", "x"],
      interactive: ["false", "true"],
    },
    body: roll.chance(0.3)
      ? { command: roll.chance(0.5) ? "echo body" : hostileValue(roll), run: roll.pick([true, "true", 1, {}]) }
      : undefined,
  }),
  put_archive: (roll) => ({
    query: { path: ["/tmp", "/", "relative", "/nothing/here"] },
    body: { data: roll.pick([tinyTar(), "", "aGVsbG8=", "not base64!", 42, null, "A".repeat(200_000)]) },
  }),
  commit: (_roll, targets) => ({
    query: {
      repository: [`fuzz-${++targets.serial}`, "UPPER", "-x", "a//b", ""],
      tag: ["v1", "-bad", "x".repeat(200), ""],
    },
  }),
  network_attach: () => ({ query: { network: ["x"] } }),
  network_detach: () => ({ query: { network: ["x"] } }),
  resize: () => ({ query: { h: ["10"], w: ["80"] } }),
  execute_resize: () => ({ query: { exec_id: ["x"], h: ["1"], w: ["1"] } }),
};

/** GET /v1/containers/{id}/{query}: answered by the container's host. */
const GET_QUERIES: Record<string, Parameters> = {
  logs: {
    stdout: ["true", "false", "x"],
    stderr: ["true", "false"],
    timestamps: ["true", "no"],
    tail: ["10", "all", "0", "-1", "many"],
    since: ["0", "1700000000", "2026-01-01T00:00:00Z", "yesterday", "99999999999999999999"],
  },
  top: { ps_args: ["aux", "-ef", "; rm -rf /", "a\nb"] },
  stats: {},
  get_archive: { path: ["/etc/hostname", "/", "relative", "/nothing", "/proc/self/environ"] },
  container_actions: {},
  attach: {},
  network_list: {},
};

/** Names that are no action, some of them members every object has. */
const UNKNOWN_ACTIONS = ["__proto__", "constructor", "toString", "hasOwnProperty", "logs", "bogus", "START", "st%61rt"];

export function actionRequest(roll: Dice, targets: FuzzTargets): FuzzRequest {
  const id = pathSegment(roll, targets.containers);
  const name = roll.chance(0.93) ? roll.pick(Object.keys(POST_ACTIONS)) : roll.pick(UNKNOWN_ACTIONS);
  const known = Object.hasOwn(POST_ACTIONS, name);
  const { query, body } = known ? POST_ACTIONS[name]!(roll, targets) : { query: {}, body: undefined };
  const sent = parameters(roll, { ...query, all_projects: ["true"] });
  if (name === "commit")
    for (const [key, value] of sent) if (key === "repository") targets.committedRepositories.add(value);
  const request = {
    route: `POST /v1/containers/{id}/${known ? name : "{unknown}"}`,
    method: "POST",
    path: `/v1/containers/${id}/${name}`,
    query: sent,
  };
  if (body !== undefined || roll.chance(0.1))
    return { ...request, ...withBody(roll, credentials(roll), body ?? hostileValue(roll)) };
  return { ...request, headers: credentials(roll) };
}

export function queryRequest(roll: Dice, targets: FuzzTargets): FuzzRequest {
  const id = pathSegment(roll, targets.containers);
  const name = roll.chance(0.93) ? roll.pick(Object.keys(GET_QUERIES)) : roll.pick(UNKNOWN_ACTIONS);
  const known = Object.hasOwn(GET_QUERIES, name);
  const query = parameters(roll, { ...(known ? GET_QUERIES[name] : {}), all_projects: ["true"] });
  if (name === "container_actions" && roll.chance(0.4)) {
    const requestId = roll.pick([
      "req-00000000-0000-0000-0000-000000000000",
      encodedSegment(hostileString(roll).slice(0, 300)),
      "%zz",
    ]);
    return {
      route: "GET /v1/containers/{id}/container_actions/{request_id}",
      method: "GET",
      path: `/v1/containers/${id}/container_actions/${requestId}`,
      query,
      headers: credentials(roll),
    };
  }
  return {
    route: `GET /v1/containers/{id}/${known ? name : "{unknown}"}`,
    method: "GET",
    path: `/v1/containers/${id}/${name}`,
    query,
    headers: credentials(roll),
  };
}

/** A one-file tar archive, base64: what put_archive is meant to carry. */
function tinyTar(): string {
  const content = Buffer.from("fuzzed\n");
  const header = Buffer.alloc(512);
  header.write("fuzz.txt", 0);
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(`${content.length.toString(8).padStart(11, "0")}\0`, 124);
  header.write(`${(1_700_000_000).toString(8).padStart(11, "0")}\0`, 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0" + "00", 257);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, "0")}\0 `, 148);
  const body = Buffer.alloc(512);
  content.copy(body);
  return Buffer.concat([header, body, Buffer.alloc(1024)]).toString("base64");
}
