import { networkInterfaces } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  hostIsolationInstalled,
  installHostIsolation,
  removeHostIsolation,
} from "../../agents/host-agent/firewall/install-host-isolation.ts";
import { systemIptables } from "../../agents/host-agent/firewall/iptables.ts";
import { ISOLATION_CHAIN } from "../../agents/host-agent/firewall/isolation-rules.ts";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { MEMBER_TOKEN, startBerth, type TestBerth } from "../helpers/berth.ts";

// The port DynamoDB Local answers on for every test file: the service a container must not reach on its host.
const EMULATOR_PORT = Number(process.env.BERTH_DYNAMODB_PORT ?? 8000);

const iptables = systemIptables();
let berth: TestBerth;
let gateway: string;
let installedBefore: boolean;

beforeAll(async () => {
  // The agent keeps its rules when it stops; this test takes away only what it brought.
  installedBefore = await hostIsolationInstalled(iptables, "ipv4");
  // A short sync period: the agent puts back rules taken away within it.
  berth = await startBerth({ environment: { BERTH_SYNC_SECONDS: "2" } });
  const web = await berth.api("POST", "/v1/containers?run=true", {
    token: MEMBER_TOKEN,
    body: { name: "web", image: TEST_IMAGE, command: ["httpd", "-f", "-p", "80"], memory: 16, cpu: 0.1 },
  });
  const probe = await berth.api("POST", "/v1/containers?run=true", {
    token: MEMBER_TOKEN,
    body: { name: "probe", image: TEST_IMAGE, command: SLEEPER, memory: 16, cpu: 0.1 },
  });
  await berth.waitForContainer(web.body.uuid, (c) => c.status === "Running", 20_000, MEMBER_TOKEN);
  await berth.waitForContainer(probe.body.uuid, (c) => c.status === "Running", 20_000, MEMBER_TOKEN);
  const networks = (await berth.docker.getContainer(`berth-${probe.body.uuid}`).inspect()).NetworkSettings.Networks;
  // The host's own address on the probe's project network.
  gateway = Object.values<any>(networks)[0].Gateway;
});

afterAll(async () => {
  await berth?.stop();
  if (!installedBefore) for (const family of ["ipv4", "ipv6"] as const) await removeHostIsolation(iptables, family);
});

/** Whether a TCP connection from the probe container to host:port opens (containers have no NET_RAW: no ping). */
async function probeReaches(host: string, port: number): Promise<boolean> {
  const command = `sh -c 'echo | nc -w 2 ${host} ${port}'`;
  const exec = await berth.api("POST", `/v1/containers/probe/execute?run=true&command=${encodeURIComponent(command)}`, {
    token: MEMBER_TOKEN,
  });
  expect(exec.status, JSON.stringify(exec.body)).toBe(200);
  return exec.body.exit_code === 0;
}

describe("a member's container and its host", () => {
  it("reaches another container of its own project", async () => {
    expect(await probeReaches("web", 80)).toBe(true);
  });

  it("cannot reach a service listening on the host, on the host's address on its own network", async () => {
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await probeReaches(gateway, EMULATOR_PORT)).toBe(false);
  });

  it("cannot reach it on any other of the host's own addresses either", async () => {
    const hostAddresses = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && address.family === "IPv4" && !address.internal)
      .map((address) => address!.address)
      .filter((address) => address !== gateway);
    for (const address of hostAddresses)
      expect(await probeReaches(address, EMULATOR_PORT), `${address}:${EMULATOR_PORT}`).toBe(false);
  });

  it("cannot reach the instance metadata address", async () => {
    // Asserted only once the host's own services are shown unreachable: without the rules this would leave the host.
    expect(await hostIsolationInstalled(iptables, "ipv4")).toBe(true);
    expect(await probeReaches("169.254.169.254", 80)).toBe(false);
  });

  it("a container on Docker's default bridge cannot reach the host's services either", async () => {
    const container = await berth.docker.createContainer({
      Image: TEST_IMAGE,
      // The default route's gateway is the host's own address on docker0 (exit 3 when there is no route).
      Cmd: [
        "sh",
        "-c",
        `gw=$(ip route | awk '/^default/ {print $3}'); [ -n "$gw" ] || exit 3; echo | nc -w 2 $gw ${EMULATOR_PORT}`,
      ],
      Labels: { "berth.deployment": berth.deployment },
      HostConfig: { NetworkMode: "bridge" },
    });
    try {
      await container.start();
      const { StatusCode } = await container.wait();
      expect(StatusCode).toBe(1);
    } finally {
      await container.remove({ force: true });
    }
  });
});

describe("the host's isolation rules", () => {
  it("are installed once however often an agent starts, ahead of Docker's own rules", async () => {
    const jumpsBefore = await isolationJumpsByChain("ipv4");
    await installHostIsolation(iptables, "ipv4", []);
    const jumps = await isolationJumpsByChain("ipv4");
    // Agents of other test files may start at the same moment: the count must not grow, whatever it is.
    expect(jumps).toEqual(jumpsBefore);
    for (const chain of ["INPUT", "DOCKER-USER"]) {
      expect(new Set(jumps[chain]!.ours), chain).toEqual(
        new Set([`-A ${chain} -i docker0 -j ${ISOLATION_CHAIN}`, `-A ${chain} -i br-+ -j ${ISOLATION_CHAIN}`]),
      );
      expect(jumps[chain]!.oursFirst, chain).toBe(true);
    }
  });

  it("are put back by the agent when something takes them away", async () => {
    const jump = ["INPUT", "-i", "br-+", "-j", ISOLATION_CHAIN];
    while ((await isolationJumpsByChain("ipv4")).INPUT!.ours.includes(`-A ${jump.join(" ")}`))
      await iptables.run("ipv4", ["-D", ...jump]);
    const deadline = Date.now() + 15_000;
    while (!(await isolationJumpsByChain("ipv4")).INPUT!.ours.includes(`-A ${jump.join(" ")}`)) {
      if (Date.now() > deadline) throw new Error("the agent did not put the INPUT jump back within 15 s");
      await sleep(250);
    }
    expect(await probeReaches(gateway, EMULATOR_PORT)).toBe(false);
  });

  it("are installed for IPv6 too where the host has ip6tables, from FORWARD where Docker keeps no DOCKER-USER", async () => {
    const ip6tables = await iptables.run("ipv6", ["-S"]).catch(() => undefined);
    if (ip6tables === undefined) return;
    expect(await hostIsolationInstalled(iptables, "ipv6")).toBe(true);
    const forwardChain = ip6tables.includes("-N DOCKER-USER") ? "DOCKER-USER" : "FORWARD";
    const jumps = await isolationJumpsByChain("ipv6", ["INPUT", forwardChain]);
    expect(jumps[forwardChain]!.ours.length).toBeGreaterThanOrEqual(2);
    expect(jumps[forwardChain]!.oursFirst).toBe(true);
    expect(await iptables.run("ipv6", ["-S", ISOLATION_CHAIN])).toContain("-d fd00:ec2::254/128 -j REJECT");
  });
});

/** Per chain: the rules jumping to the isolation chain, and whether they all come before any other rule. */
async function isolationJumpsByChain(
  family: "ipv4" | "ipv6",
  chains = ["INPUT", "DOCKER-USER"],
): Promise<Record<string, { ours: string[]; oursFirst: boolean }>> {
  const byChain: Record<string, { ours: string[]; oursFirst: boolean }> = {};
  for (const chain of chains) {
    const rules = (await iptables.run(family, ["-S", chain])).split("\n").filter((line) => line.startsWith("-A"));
    const ours = rules.filter((line) => line.endsWith(`-j ${ISOLATION_CHAIN}`));
    byChain[chain] = { ours, oursFirst: rules.slice(0, ours.length).every((line) => ours.includes(line)) };
  }
  return byChain;
}
