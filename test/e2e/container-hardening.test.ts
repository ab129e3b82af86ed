import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { MEMBER_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
});
afterAll(async () => {
  await berth?.stop();
});

async function runningDockerContainer(body: Record<string, unknown>, token?: string) {
  const created = await berth.api("POST", "/v1/containers?run=true", {
    body: { image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 32, ...body },
    token,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  await berth.waitForContainer(created.body.uuid, (container) => container.status === "Running", 20_000, token);
  return berth.docker.getContainer(`berth-${created.body.uuid}`).inspect();
}

describe("containers run with restricted defaults, not Docker's permissive ones", () => {
  it("a member's container has a pids limit, rotated logs, no NET_RAW and no new privileges", async () => {
    const inspected = await runningDockerContainer({ name: "hardened" }, MEMBER_TOKEN);
    expect(inspected.HostConfig.PidsLimit).toBe(1024);
    expect(inspected.HostConfig.LogConfig).toEqual({
      Type: "json-file",
      Config: { "max-size": "10m", "max-file": "3" },
    });
    expect(inspected.HostConfig.CapDrop).toContain("NET_RAW");
    expect(inspected.HostConfig.SecurityOpt).toContain("no-new-privileges:true");
  });

  it("the kernel enforces the pids limit inside the container", async () => {
    await runningDockerContainer({ name: "forks" }, MEMBER_TOKEN);
    const exec = await berth.api("POST", "/v1/containers/forks/execute?run=true", {
      // cgroup v2 keeps it at the top, v1 under pids/.
      body: { command: "sh -c 'cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max'" },
      token: MEMBER_TOKEN,
    });
    expect(exec.status).toBe(200);
    expect(exec.body.output.trim()).toBe("1024");
  });

  it("an admin's privileged container is left as asked", async () => {
    // Created, not run: this machine's own sandbox may not grant a privileged container its capabilities.
    const created = await berth.api("POST", "/v1/containers", {
      body: { name: "privileged", image: TEST_IMAGE, command: SLEEPER, cpu: 0.1, memory: 32, privileged: true },
    });
    await berth.waitForContainer(created.body.uuid, (container) => container.status === "Created");
    const inspected = await berth.docker.getContainer(`berth-${created.body.uuid}`).inspect();
    expect(inspected.HostConfig.Privileged).toBe(true);
    expect(inspected.HostConfig.CapDrop ?? []).not.toContain("NET_RAW");
  });
});
