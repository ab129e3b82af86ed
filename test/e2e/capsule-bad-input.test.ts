import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import type { TestBerth } from "../helpers/berth.ts";
import { ALICE, capsuleTools, startCapsuleBerth, stopCapsuleBerth } from "../helpers/capsule-berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startCapsuleBerth();
});
afterAll(() => stopCapsuleBerth(berth));
const { hostUsage } = capsuleTools(() => berth);

describe("a capsule create with bad input", () => {
  let usageBefore: Awaited<ReturnType<typeof hostUsage>>;
  beforeAll(async () => {
    usageBefore = await hostUsage();
  });

  it.each([
    ["no template", {}, "template"],
    ["a wrong kind", { template: { kind: "pod", spec: { containers: [{ image: TEST_IMAGE }] } } }, "kind"],
    ["no spec", { template: { kind: "capsule" } }, "spec"],
    ["no containers", { template: { kind: "capsule", spec: { containers: [] } } }, "spec.containers"],
    [
      "a container without image",
      { template: { kind: "capsule", spec: { containers: [{}] } } },
      "spec.containers[0].image",
    ],
    [
      "a memory that is not a size",
      {
        template: {
          kind: "capsule",
          spec: { containers: [{ image: TEST_IMAGE, resources: { requests: { memory: "lots" } } }] },
        },
      },
      "spec.containers[0].resources.requests.memory",
    ],
    [
      "a mount of an undeclared volume",
      {
        template: {
          kind: "capsule",
          spec: { containers: [{ image: TEST_IMAGE, volumeMounts: [{ name: "nope", mountPath: "/x" }] }] },
        },
      },
      "spec.containers[0].volumeMounts[0].name",
    ],
    [
      "a Cinder volume",
      {
        template: {
          kind: "capsule",
          spec: { containers: [{ image: TEST_IMAGE }], volumes: [{ name: "v", cinder: { volumeID: "x" } }] },
        },
      },
      "spec.volumes[0].cinder",
    ],
    [
      "an unknown container field",
      { template: { kind: "capsule", spec: { containers: [{ image: TEST_IMAGE, privileged: true }] } } },
      "spec.containers[0].privileged",
    ],
    [
      "an init container with a bad command",
      {
        template: {
          kind: "capsule",
          spec: { containers: [{ image: TEST_IMAGE }], initContainers: [{ image: TEST_IMAGE, command: "ls" }] },
        },
      },
      "spec.initContainers[0].command",
    ],
  ])("%s is a 400 naming the field, and changes nothing", async (_title, body, field) => {
    const before = (await berth.api("GET", "/v1/capsules", { token: ALICE })).body.capsules.length;
    const response = await berth.api("POST", "/v1/capsules", { token: ALICE, body });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].detail).toContain(`Invalid input for field/attribute ${field}:`);
    expect((await berth.api("GET", "/v1/capsules", { token: ALICE })).body.capsules).toHaveLength(before);
    expect(await hostUsage()).toEqual(usageBefore);
  });
});
