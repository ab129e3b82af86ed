import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import { MEMBER_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
});
afterAll(async () => {
  await berth?.stop();
});

const valid = { name: "fine", image: TEST_IMAGE, command: ["sleep", "1"], memory: 32 };

const CASES: Array<{
  title: string;
  request: { rawBody?: string; body?: unknown; token?: string | null };
  status: number;
  detail: RegExp;
}> = [
  { title: "a body that is not JSON", request: { rawBody: "{not json" }, status: 400, detail: /not valid JSON/ },
  {
    title: "a JSON body that is not an object",
    request: { rawBody: "[1,2]" },
    status: 400,
    detail: /must be a JSON object/,
  },
  {
    title: "an unknown field",
    request: { body: { ...valid, colour: "blue" } },
    status: 400,
    detail: /field\/attribute colour/,
  },
  { title: "a missing image", request: { body: { name: "noimage" } }, status: 400, detail: /field\/attribute image/ },
  { title: "no body at all", request: {}, status: 400, detail: /field\/attribute image/ },
  {
    title: 'memory "abc"',
    request: { body: { ...valid, memory: "abc" } },
    status: 400,
    detail: /field\/attribute memory/,
  },
  {
    title: "memory below 4",
    request: { body: { ...valid, memory: 3 } },
    status: 400,
    detail: /field\/attribute memory: must be between 4 and 8192/,
  },
  {
    title: "cpu 0",
    request: { body: { ...valid, cpu: 0 } },
    status: 400,
    detail: /field\/attribute cpu: must be between 0.1 and 16/,
  },
  {
    title: "a name with spaces",
    request: { body: { ...valid, name: "has spaces" } },
    status: 400,
    detail: /field\/attribute name/,
  },
  {
    title: "an environment value that is not a string",
    request: { body: { ...valid, environment: { A: 1 } } },
    status: 400,
    detail: /field\/attribute environment.A/,
  },
  {
    title: "an unknown pull policy",
    request: { body: { ...valid, image_pull_policy: "sometimes" } },
    status: 400,
    detail: /field\/attribute image_pull_policy/,
  },
  {
    title: "a restart count without on-failure",
    request: { body: { ...valid, restart_policy: { Name: "always", MaximumRetryCount: 3 } } },
    status: 400,
    detail: /restart_policy.MaximumRetryCount/,
  },
  { title: "no token", request: { body: valid, token: null }, status: 401, detail: /Authentication required/ },
  { title: "a wrong token", request: { body: valid, token: "not-a-token" }, status: 401, detail: /not valid/ },
  {
    title: "a member asking for privileged",
    request: { body: { ...valid, privileged: true }, token: MEMBER_TOKEN },
    status: 403,
    detail: /privileged/,
  },
];

describe("bad input to create gets a 4xx in Zun's format and creates nothing", () => {
  it.each(CASES)("$title → $status", async ({ request, status, detail }) => {
    const response = await berth.api("POST", "/v1/containers?run=true", request);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({
      errors: [
        {
          request_id: expect.stringMatching(/^req-/),
          code: expect.any(String),
          status,
          title: expect.any(String),
          detail: expect.stringMatching(detail),
          links: [],
        },
      ],
    });
    expect(response.headers.get("x-openstack-request-id")).toBe(response.body.errors[0].request_id);
  });

  it("an unknown query parameter is refused too", async () => {
    const response = await berth.api("POST", "/v1/containers?run=true&colour=blue", { body: valid });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].detail).toMatch(/field\/attribute colour/);
  });

  it("an unknown route is a 404 in Zun's format", async () => {
    const response = await berth.api("GET", "/v1/nothing-here");
    expect(response.status).toBe(404);
    expect(response.body.errors[0].status).toBe(404);
  });

  it("after all of it, nothing was stored, claimed or run", async () => {
    const listed = await berth.api("GET", "/v1/containers");
    expect(listed.body.containers).toEqual([]);
    expect(await berth.api("GET", "/v1/containers/fine")).toMatchObject({ status: 404 });
    const host = (await berth.stores.hosts.list())[0]!;
    expect(host).toMatchObject({ cpu_used_millis: 0, mem_used: 0, total_containers: 0 });
    expect(await berth.dockerContainers()).toEqual([]);
  });
});
