import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEEPER, TEST_IMAGE } from "../../local/test-image.ts";
import { startBerth, type TestBerth } from "../helpers/berth.ts";

let berth: TestBerth;
beforeAll(async () => {
  berth = await startBerth();
});
afterAll(async () => {
  await berth?.stop();
  for (const volume of await berth.docker
    .listVolumes({ filters: { label: [`berth.deployment=${berth.deployment}`] } })
    .then((r) => r.Volumes ?? [])) {
    await berth.docker
      .getVolume(volume.Name)
      .remove()
      .catch(() => undefined);
  }
});

const exec = async (container: string, command: string) =>
  (await berth.api("POST", `/v1/containers/${container}/execute?run=true&command=${encodeURIComponent(command)}`))
    .body as { output: string; exit_code: number };

async function hostDisk(): Promise<number> {
  return (await berth.stores.hosts.list())[0]!.disk_used;
}

describe("volumes and bind mounts", () => {
  it("a new volume and an injected file are mounted; the volume's size is claimed on the host", async () => {
    const before = await hostDisk();
    const created = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        name: "writer",
        image: TEST_IMAGE,
        command: SLEEPER,
        cpu: 0.1,
        memory: 16,
        disk: 1,
        mounts: [
          { type: "volume", size: 2, destination: "/data", auto_remove: false },
          { type: "bind", source: Buffer.from("hello from berth\n").toString("base64"), destination: "/etc/greeting" },
        ],
      },
    });
    expect(created.status).toBe(202);
    await berth.waitForContainer("writer", (c) => c.status === "Running");
    expect((await exec("writer", "cat /etc/greeting")).output).toBe("hello from berth\n");
    expect((await exec("writer", "sh -c 'echo precious > /data/file && cat /data/file'")).output).toBe("precious\n");
    expect(await hostDisk()).toBe(before + 3);
  });

  it("a kept volume outlives its container, still claimed, and a new container mounting it goes to its host and sees the data", async () => {
    const before = await hostDisk();
    const writer = (await berth.api("GET", "/v1/containers/writer")).body;
    const volumeUuid = (await berth.stores.containers.get(writer.uuid))!.mounts.find((m) => m.type === "volume")!;
    expect((await berth.api("DELETE", "/v1/containers/writer?stop=true")).status).toBe(204);
    await berth.waitForGone(writer.uuid);
    expect(await hostDisk()).toBe(before - 1);
    const kept = await berth.stores.volumes.get((volumeUuid as { volume_uuid: string }).volume_uuid);
    expect(kept).toMatchObject({ size: 2, container_uuid: null });

    const _reader = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        name: "reader",
        image: TEST_IMAGE,
        command: SLEEPER,
        cpu: 0.1,
        memory: 16,
        disk: 1,
        mounts: [{ source: kept!.uuid, destination: "/restored" }],
      },
    });
    await berth.waitForContainer("reader", (c) => c.status === "Running");
    expect((await exec("reader", "cat /restored/file")).output).toBe("precious\n");
  });

  it("a container whose start fails is Error with Docker's reason, and the volume it mounts keeps its data", async () => {
    const volume = (await berth.stores.volumes.listByProject("demo"))[0]!;
    const broken = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        name: "broken",
        image: TEST_IMAGE,
        command: ["/no/such/binary"],
        cpu: 0.1,
        memory: 16,
        disk: 1,
        mounts: [{ source: volume.uuid, destination: "/data" }],
      },
    });
    const failed = await berth.waitForContainer(broken.body.uuid, (c) => c.status === "Error");
    expect(failed.status_reason).toMatch(/no such file or directory/);
    expect((await berth.api("DELETE", `/v1/containers/${broken.body.uuid}`)).status).toBe(204);
    await berth.waitForGone(broken.body.uuid);
    expect((await exec("reader", "cat /restored/file")).output).toBe("precious\n");
    expect(await berth.stores.volumes.get(volume.uuid)).toBeDefined();
  });

  it("a volume made with its container goes with it when the container is deleted (auto_remove), releasing its size", async () => {
    const before = await hostDisk();
    const temp = await berth.api("POST", "/v1/containers?run=true", {
      body: {
        name: "scratch",
        image: TEST_IMAGE,
        command: SLEEPER,
        cpu: 0.1,
        memory: 16,
        disk: 1,
        mounts: [{ size: 1, destination: "/scratch" }],
      },
    });
    await berth.waitForContainer("scratch", (c) => c.status === "Running");
    const volumeUuid = ((await berth.stores.containers.get(temp.body.uuid))!.mounts[0] as { volume_uuid: string })
      .volume_uuid;
    expect(await hostDisk()).toBe(before + 2);
    await berth.api("DELETE", "/v1/containers/scratch?stop=true");
    await berth.waitForGone(temp.body.uuid);
    expect(await berth.stores.volumes.get(volumeUuid)).toBeUndefined();
    expect(await hostDisk()).toBe(before);
    const dockerVolumes =
      (await berth.docker.listVolumes({ filters: { label: [`berth.volume=${volumeUuid}`] } })).Volumes ?? [];
    expect(dockerVolumes).toEqual([]);
  });

  it("a kept volume is deleted only on request, and only once no container uses it", async () => {
    const [volume] = (await berth.api("GET", "/v1/volumes")).body.volumes;
    expect(volume.attached_to).toHaveLength(1);
    const inUse = await berth.api("DELETE", `/v1/volumes/${volume.uuid}`);
    expect(inUse.status).toBe(409);
    const before = await hostDisk();
    const reader = (await berth.api("GET", "/v1/containers/reader")).body;
    await berth.api("DELETE", "/v1/containers/reader?stop=true");
    await berth.waitForGone(reader.uuid);
    expect(await hostDisk()).toBe(before - 1);
    expect((await berth.api("DELETE", `/v1/volumes/${volume.uuid}`)).status).toBe(204);
    expect(await hostDisk()).toBe(before - 3);
    expect((await berth.api("GET", `/v1/volumes/${volume.uuid}`)).status).toBe(404);
    const deadline = Date.now() + 10_000;
    const dockerVolumes = async () =>
      (await berth.docker.listVolumes({ filters: { label: [`berth.volume=${volume.uuid}`] } })).Volumes ?? [];
    while ((await dockerVolumes()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await dockerVolumes()).toEqual([]);
  });

  it("refuses bad mounts, naming the field", async () => {
    const cases: Array<[unknown, string]> = [
      [[{ type: "volume", destination: "/d" }], "mounts[0]"],
      [[{ type: "volume", size: 0, destination: "/d" }], "mounts[0].size"],
      [[{ type: "bind", source: "!!", destination: "/d" }], "mounts[0].source"],
      [[{ size: 1, destination: "relative" }], "mounts[0].destination"],
      [[{ source: "no-such-volume", destination: "/d" }], "mounts[0].source"],
    ];
    for (const [mounts, field] of cases) {
      const response = await berth.api("POST", "/v1/containers", { body: { image: TEST_IMAGE, mounts } });
      expect(response.status, JSON.stringify(mounts)).toBe(400);
      expect(response.body.errors[0].detail).toContain(`field/attribute ${field}`);
    }
  });
});
