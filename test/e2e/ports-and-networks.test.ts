import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

const TOKENS = {
  "berth-dev-admin": { projectId: "demo", userId: "admin", roles: ["admin"] },
  "other-token": { projectId: "other", userId: "olga", roles: ["member"] },
};

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth({
    callers: TOKENS,
    environment: { BERTH_HOST_PORT_RANGE: "31000-31009" },
  });
});
afterAll(async () => {
  await berth?.stop();
});

describe("exposed ports", () => {
  it("are published on host ports from the host's range, shown on the container, claimed and released", async () => {
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        name: "web",
        image: TEST_IMAGE,
        command: ["httpd", "-f", "-p", "80"],
        memory: 16,
        cpu: 0.1,
        exposed_ports: { "80/tcp": {}, "8080/tcp": {} },
      },
    });
    const web = await berth.waitForContainer(created.body.uuid, (c) => c.status === "Running");
    const hostPort = web.published_ports["80/tcp"];
    expect(hostPort).toBeGreaterThanOrEqual(31000);
    expect(hostPort).toBeLessThanOrEqual(31009);
    expect(web.published_ports["8080/tcp"]).not.toBe(hostPort);
    // Zun's addresses: the container's IP on each network it is on (its project's), not the host's ports.
    const networks = (await berth.docker.getContainer(`berth-${web.uuid}`).inspect()).NetworkSettings
      .Networks as Record<string, any>;
    const [dockerNetwork] = Object.values(networks);
    expect(Object.keys(networks)).toHaveLength(1);
    expect(web.addresses).toEqual({
      [dockerNetwork.NetworkID]: [
        {
          addr: dockerNetwork.IPAddress,
          version: 4,
          port: dockerNetwork.EndpointID,
          preserve_on_delete: false,
          subnet_id: null,
        },
      ],
    });
    const answer = await fetch(`http://127.0.0.1:${hostPort}/`);
    expect(answer.status).toBe(404); // busybox httpd answering with nothing to serve
    const [host] = await berth.stores.hosts.list();
    expect(host).toMatchObject({ ports_total: 10, ports_used: 2 });

    expect((await berth.api("DELETE", `/v1/containers/${web.uuid}?force=true`)).status).toBe(204);
    await berth.waitForGone(web.uuid);
    expect((await berth.stores.hosts.get(host!.id))!.ports_used).toBe(0);
  });

  it("a host without enough free ports is no valid host, saying so", async () => {
    const ports = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`${9000 + i}/tcp`, {}]));
    const refused = await berth.api("POST", "/v1/containers", {
      body: { image: TEST_IMAGE, memory: 16, exposed_ports: ports },
    });
    expect(refused.body.status_reason).toBe(
      "No valid host was found: 1 host: 1 insufficient host ports (need 11, best has 10).",
    );
  });
});

describe("project networks", () => {
  it("a project's containers reach each other by name; another project's cannot", async () => {
    // Reachability is a TCP connect to alpha's web server: containers have no NET_RAW, so no ping.
    const alpha = await berth.api("POST", "/v1/containers?run=true", {
      body: { name: "alpha", image: TEST_IMAGE, command: ["httpd", "-f", "-p", "80"], memory: 16, cpu: 0.1 },
    });
    const beta = await berth.api("POST", "/v1/containers?run=true", {
      body: { name: "beta", image: TEST_IMAGE, command: SLEEPER, memory: 16, cpu: 0.1 },
    });
    const stranger = await berth.api("POST", "/v1/containers?run=true", {
      token: "other-token",
      body: { name: "stranger", image: TEST_IMAGE, command: SLEEPER, memory: 16, cpu: 0.1 },
    });
    await berth.waitForContainer(alpha.body.uuid, (c) => c.status === "Running");
    await berth.waitForContainer(beta.body.uuid, (c) => c.status === "Running");
    await berth.waitForContainer(stranger.body.uuid, (c) => c.status === "Running", 20_000, "other-token");

    const sameProject = await berth.api(
      "POST",
      `/v1/containers/beta/execute?run=true&command=${encodeURIComponent("sh -c 'echo | nc -w 2 alpha 80'")}`,
    );
    expect(sameProject.body.exit_code, sameProject.body.output).toBe(0);
    const otherProject = await berth.api(
      "POST",
      `/v1/containers/stranger/execute?run=true&command=${encodeURIComponent("sh -c 'echo | nc -w 2 alpha 80'")}`,
      { token: "other-token" },
    );
    expect(otherProject.body.exit_code).not.toBe(0);

    const alphaIp = (await berth.docker.getContainer(`berth-${alpha.body.uuid}`).inspect()).NetworkSettings.Networks;
    const address = Object.values<any>(alphaIp)[0].IPAddress;
    // What Berth reports is that address, and the project's containers reach it there (tempest's expose-port test connects to it).
    const shown = (await berth.api("GET", "/v1/containers/alpha")).body;
    const reported = Object.values<any>(shown.addresses)[0][0].addr;
    expect(reported).toBe(address);
    const byReported = await berth.api(
      "POST",
      `/v1/containers/beta/execute?run=true&command=${encodeURIComponent(`sh -c 'echo | nc -w 2 ${reported} 80'`)}`,
    );
    expect(byReported.body.exit_code, byReported.body.output).toBe(0);
    const byAddress = await berth.api(
      "POST",
      `/v1/containers/stranger/execute?run=true&command=${encodeURIComponent(`sh -c 'echo | nc -w 2 ${address} 80'`)}`,
      { token: "other-token" },
    );
    expect(byAddress.body.exit_code).not.toBe(0);
  });
});
