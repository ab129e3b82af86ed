import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_IMAGE } from "../../local/test-image.ts";
import {
  cleanEnvironment,
  type DevProcess,
  freePorts,
  killProcessGroup,
  startDev,
  startedProcesses,
  stillRunningAfter,
} from "../helpers/dev-process.ts";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const stage = `r${Date.now().toString(36)}`;
const deployment = `berth-${stage}`;
let dataDir: string;
let env: Record<string, string>;
let dev: DevProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "berth-data-"));
  const [port, dynamodbPort, sqsPort] = await freePorts(3);
  env = cleanEnvironment({
    BERTH_DATA_DIR: dataDir,
    BERTH_STAGE: stage,
    BERTH_PORT: String(port),
    BERTH_DYNAMODB_PORT: String(dynamodbPort),
    BERTH_SQS_PORT: String(sqsPort),
    BERTH_HEARTBEAT_SECONDS: "2",
    BERTH_POLL_WAIT_SECONDS: "2",
  });
});

afterAll(async () => {
  if (dev) killProcessGroup(dev);
  const label = { label: [`berth.deployment=${deployment}`] };
  for (const container of await docker.listContainers({ all: true, filters: label }))
    await docker
      .getContainer(container.Id)
      .remove({ force: true })
      .catch(() => undefined);
  for (const volume of (await docker.listVolumes({ filters: label })).Volumes ?? [])
    await docker
      .getVolume(volume.Name)
      .remove()
      .catch(() => undefined);
  for (const network of await docker.listNetworks({ filters: label }))
    await docker
      .getNetwork(network.Id)
      .remove()
      .catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} within ${timeoutMs / 1000} s; npm run dev printed:\n${dev?.output()}`);
    await sleep(250);
  }
}

const hostIsUp = () =>
  waitFor("no host agent came up", async () =>
    ((await dev!.api("GET", "/v1/services")).body?.services ?? []).find((s: any) => s.state === "up"),
  );
const container = async (name: string) => (await dev!.api("GET", `/v1/containers/${name}`)).body;
const running = (name: string) =>
  waitFor(`${name} was not Running`, async () =>
    (await container(name)).status === "Running" ? container(name) : undefined,
  );
const exec = async (name: string, command: string) =>
  (await dev!.api("POST", `/v1/containers/${name}/execute?run=true&command=${encodeURIComponent(command)}`)).body;
const dockerIdOf = async (uuid: string) =>
  (await docker.listContainers({ filters: { label: [`berth.uuid=${uuid}`] } }))[0]?.Id;
const volumes = async () => (await dev!.api("GET", "/v1/volumes")).body.volumes;

/** What a restart must keep: the records as the API shows them, and the very Docker container, still running. */
async function snapshot() {
  const keeper = await running("keeper");
  const inspected = await docker.getContainer((await dockerIdOf(keeper.uuid))!).inspect();
  return {
    record: {
      uuid: keeper.uuid,
      name: keeper.name,
      host: keeper.host,
      status: keeper.status,
      image: keeper.image,
      command: keeper.command,
    },
    volumes: (await volumes()).map((volume: any) => ({ ...volume, attached_to: [...volume.attached_to].sort() })),
    dockerId: inspected.Id,
    dockerRunning: inspected.State.Running,
  };
}

async function stopWithSigterm(alsoStopping: number[] = []): Promise<void> {
  const started = [...dev!.processes(), ...alsoStopping];
  process.kill(dev!.npm.pid!, "SIGTERM");
  expect(
    await stillRunningAfter(started, 60_000),
    `left running after SIGTERM to npm; it printed:\n${dev!.output()}`,
  ).toEqual([]);
  dev = undefined;
}

describe("npm run dev keeps everything across restarts", () => {
  let before: Awaited<ReturnType<typeof snapshot>>;

  it("runs a container with a volume holding data", async () => {
    dev = await startDev(env);
    expect(dev.output()).toContain(`kept in ${dataDir}`);
    await hostIsUp();
    const created = await dev.api("POST", "/v1/containers?run=true", {
      body: {
        name: "keeper",
        image: TEST_IMAGE,
        command: ["sleep", "3600"],
        cpu: 0.1,
        memory: 32,
        mounts: [{ type: "volume", size: 1, destination: "/data" }],
      },
    });
    expect(created.status).toBe(202);
    await running("keeper");
    expect((await exec("keeper", "sh -c 'echo precious > /data/file && cat /data/file'")).output).toBe("precious\n");
    before = await snapshot();
    expect(before.dockerRunning).toBe(true);
    expect(before.volumes).toHaveLength(1);
  }, 240_000);

  it("after SIGTERM to npm (everything it started exits), starts again with the same records and the same Docker container running", async () => {
    await stopWithSigterm();
    expect((await docker.getContainer(before.dockerId).inspect()).State.Running).toBe(true);
    dev = await startDev(env);
    await hostIsUp();
    expect(await snapshot()).toEqual(before);
    expect((await exec("keeper", "cat /data/file")).output).toBe("precious\n");
  }, 240_000);

  it("after kill -9 of its whole process group, starts again from what is on disk alone", async () => {
    const started = dev!.processes();
    killProcessGroup(dev!);
    expect(await stillRunningAfter(started, 10_000)).toEqual([]);
    dev = await startDev(env);
    await hostIsUp();
    expect(await snapshot()).toEqual(before);

    const volume = before.volumes[0];
    const reader = await dev.api("POST", "/v1/containers?run=true", {
      body: {
        name: "reader",
        image: TEST_IMAGE,
        command: ["sleep", "3600"],
        cpu: 0.1,
        memory: 32,
        mounts: [{ source: volume.uuid, destination: "/restored" }],
      },
    });
    expect(reader.status).toBe(202);
    await running("reader");
    expect((await exec("reader", "cat /restored/file")).output).toBe("precious\n");
    before = await snapshot();
  }, 240_000);

  it("after kill -9 of the stack process alone, its agents stop by themselves, and the next start adopts the emulators it left", async () => {
    const [stack] = startedProcesses(dev!, "local/up.ts");
    const agents = startedProcesses(dev!, "host-agent.mjs");
    const emulators = startedProcesses(dev!, "java");
    expect([agents.length, emulators.length]).toEqual([1, 2]);
    process.kill(stack!, "SIGKILL");
    expect(await stillRunningAfter(agents, 45_000)).toEqual([]);
    expect(await stillRunningAfter(emulators, 0)).toEqual(emulators);
    dev = await startDev(env);
    expect(dev.output()).toContain(`DynamoDB Local (already running): kept in ${dataDir}`);
    await hostIsUp();
    expect(await snapshot()).toEqual(before);
    await stopWithSigterm(emulators);
  }, 240_000);

  it("with --fresh, says what it removes and starts the stage empty", async () => {
    dev = await startDev(env, ["--fresh"]);
    const said = dev.output();
    expect(said).toContain(`table ${deployment}`);
    expect(said).toContain("2 Docker containers");
    expect(said).toContain("1 Docker volumes, with their data");
    expect((await dev.api("GET", "/v1/containers")).body.containers).toEqual([]);
    expect(await volumes()).toEqual([]);
    expect(await docker.listContainers({ all: true, filters: { label: [`berth.deployment=${deployment}`] } })).toEqual(
      [],
    );
    await stopWithSigterm();
  }, 240_000);
});
