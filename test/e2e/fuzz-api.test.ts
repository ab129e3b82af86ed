import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { MEMBER_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";
import { dice } from "../helpers/fuzz/dice.ts";
import { nextRequest } from "../helpers/fuzz/generate.ts";
import { emptyTargets, type FuzzTargets, learnFrom } from "../helpers/fuzz/targets.ts";
import { contractBreach, StatusTally } from "../helpers/fuzz/verdicts.ts";
import { type FuzzRequest, send, urlOf } from "../helpers/fuzz/wire.ts";

/**
 * A bounded, seeded fuzz run over the API (issue 12): hostile bodies, query
 * parameters, path segments and tokens on every route family, and not one
 * response may be a 5xx, except the two Berth promises (see verdicts.ts): 501
 * on a route it does not offer, 504 when a container's host did not answer a
 * query in time. Every 4xx must be in Zun's error format. Replay a run with
 * BERTH_FUZZ_SEED=<the printed seed>; BERTH_FUZZ_REQUESTS sets its length,
 * BERTH_FUZZ_VERBOSE=1 prints every request and answer.
 */
const SEED = process.env.BERTH_FUZZ_SEED ?? randomBytes(6).toString("hex");
const REQUESTS = Number(process.env.BERTH_FUZZ_REQUESTS ?? 400);
/** Beyond the two running containers made first, how many fuzzed creates may really run one. */
const REAL_RUNS = 2;

let berth: TestBerth;
let targets: FuzzTargets;

beforeAll(async () => {
  // A host query that hangs is a 504 after 5 s instead of 25: the run stays bounded.
  berth = await startBerth({ environment: { BERTH_HOST_ANSWER_SECONDS: "5" } });
  targets = emptyTargets(REAL_RUNS);
  for (const token of [undefined, MEMBER_TOKEN]) {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      token,
      body: { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 16 },
    });
    expect(created.status).toBe(202);
    await berth.waitForContainer(created.body.uuid, (container) => container.status === "Running");
    targets.containers.push(created.body.uuid, created.body.name);
  }
  const unplaced = await berth.api("POST", "/v1/containers", {
    body: { image: TEST_IMAGE, availability_zone: "nowhere" },
  });
  targets.containers.push(unplaced.body.uuid);
  learnFrom(targets, "GET /v1/hosts", 200, (await berth.api("GET", "/v1/hosts")).body);
  const registry = await berth.api("POST", "/v1/registries", {
    body: { registry: { name: "fuzz-registry", domain: "registry.example.test", username: "u", password: "p" } },
  });
  learnFrom(targets, "POST /v1/registries", registry.status, registry.body);
});

afterAll(async () => {
  if (!berth) return;
  await berth.stop();
  // Commits made images on the shared engine: only those this run named are removed.
  for (const image of await berth.docker.listImages()) {
    for (const tag of image.RepoTags ?? []) {
      const repository = /^berth\.local\/[^/]+\/(.+):[^:]+$/.exec(tag)?.[1];
      if (repository && targets.committedRepositories.has(repository))
        await berth.docker
          .getImage(tag)
          .remove({ force: true })
          .catch(() => undefined);
    }
  }
  for (const volume of (
    await berth.docker.listVolumes({ filters: { label: [`berth.deployment=${berth.deployment}`] } })
  ).Volumes ?? []) {
    await berth.docker
      .getVolume(volume.Name)
      .remove()
      .catch(() => undefined);
  }
});

// First, while quotas are as the stack made them: the fuzz run below changes them.
/** Each 5xx a fuzz run found, reduced to the request that caused it. */
describe("what the fuzzer found", () => {
  const tooLong = "a".repeat(3000);

  it.each([
    ["GET", `/v1/containers/${tooLong}`, "id"],
    ["POST", `/v1/containers/${tooLong}/stop`, "id"],
    ["GET", `/v1/containers/${tooLong}/logs`, "id"],
    ["DELETE", `/v1/containers/${tooLong}`, "id"],
    ["GET", `/v1/volumes/${tooLong}`, "id"],
    ["GET", `/v1/registries/${tooLong}`, "id"],
    ["DELETE", `/v1/quotas/${tooLong}`, "project_id"],
  ])(
    "%s of an id longer than any id or name is a 400 naming it, not a 500 from the table's key limit (%#)",
    async (method, path, field) => {
      const response = await berth.api(method, path);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.errors[0]).toMatchObject({ status: 400, code: "invalid_field" });
      expect(response.body.errors[0].detail).toContain(`field/attribute ${field}:`);
    },
  );

  it("a container action's request id longer than any request id is a 400 naming it", async () => {
    const created = await berth.api("POST", "/v1/containers", {
      body: { image: TEST_IMAGE, availability_zone: "nowhere" },
    });
    const response = await berth.api(
      "GET",
      `/v1/containers/${created.body.uuid}/container_actions/${"🚀".repeat(255)}`,
    );
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.errors[0].detail).toContain("field/attribute request_id:");
  });

  it.each(["", "&all_projects=true", "&sort_dir=desc"])(
    "a list marker longer than any uuid is a 400 naming it, not a 500 (%s)",
    async (extra) => {
      const response = await berth.api("GET", `/v1/containers?marker=${"x".repeat(2100)}${extra}`);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.errors[0].detail).toContain("field/attribute marker:");
    },
  );

  it("a logs since past any timestamp is a 400 naming it, not Docker's parse error from the host", async () => {
    const created = await berth.api("POST", "/v1/containers", {
      body: { image: TEST_IMAGE, availability_zone: "nowhere" },
    });
    const response = await berth.api("GET", `/v1/containers/${created.body.uuid}/logs?since=99999999999999999999999`);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.errors[0].detail).toContain("field/attribute since:");
  });

  it.each([
    ["/v1/quotas/demo", { cpu: 9223372036854776000 }, "cpu"],
    ["/v1/quotas/demo", { memory: 1e308 }, "memory"],
    ["/v1/quota_classes/default", { containers: 5, disk: 2 ** 53 }, "disk"],
  ])(
    "a quota limit beyond what can be stored is a 400 naming it, and nothing changes (PUT %s %j)",
    async (path, limits, field) => {
      const before = await berth.api("GET", path);
      const response = await berth.api("PUT", path, { body: limits });
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.errors[0].detail).toContain(`field/attribute ${field}:`);
      expect((await berth.api("GET", path)).body).toEqual(before.body);
    },
  );
});

describe("a seeded fuzz run over the API", () => {
  it(`answers ${REQUESTS} hostile requests without a 5xx, every refusal in Zun's format`, {
    timeout: 240_000,
  }, async () => {
    console.log(`fuzz seed ${SEED} (replay: BERTH_FUZZ_SEED=${SEED}), ${REQUESTS} requests`);
    const roll = dice(SEED);
    const tally = new StatusTally();
    const breaches: string[] = [];
    const started = Date.now();
    for (let index = 0; index < REQUESTS; index++) {
      const request = nextRequest(roll, targets);
      const response = await send(berth.stack.apiUrl, request);
      tally.add(request.route, response.status);
      const breach = contractBreach(request, response);
      if (breach)
        breaches.push(
          `#${index} ${breach}: ${describeRequest(berth.stack.apiUrl, request)}\n    → ${response.text.slice(0, 300)}`,
        );
      if (process.env.BERTH_FUZZ_VERBOSE)
        console.log(
          `#${index} ${response.status} ${describeRequest(berth.stack.apiUrl, request).slice(0, 300)} → ${response.text.slice(0, 200)}`,
        );
      learnFrom(targets, request.route, response.status, response.body);
      if (request.createsName && response.status >= 400) targets.refusedNames.add(request.createsName);
    }
    console.log(
      `fuzz: ${tally.total} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}\n${tally.table()}`,
    );
    if (breaches.length > 0)
      console.log(`fuzz: ${breaches.length} responses broke the contract:\n${breaches.join("\n")}`);

    expect(tally.total).toBe(REQUESTS);
    expect(breaches).toEqual([]);
    // Bad input changes nothing: no create that was refused left a container behind.
    const listed = await berth.api("GET", "/v1/containers?all_projects=true");
    expect(listed.status).toBe(200);
    expect(
      listed.body.containers
        .map((container: { name: string }) => container.name)
        .filter((name: string) => targets.refusedNames.has(name)),
    ).toEqual([]);
  });
});

function describeRequest(base: string, request: FuzzRequest): string {
  const token = request.headers["x-auth-token"] ?? request.headers.authorization ?? "no token";
  const body =
    request.body === undefined
      ? ""
      : ` body ${request.body.length > 400 ? `${request.body.slice(0, 400)}… (${request.body.length} chars)` : request.body}`;
  return `${request.method} ${urlOf(base, request).slice(base.length, base.length + 400)} [${token.slice(0, 20)}; ${request.headers["content-type"] ?? "no content type"}]${body}`;
}
