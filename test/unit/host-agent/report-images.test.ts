import { describe, expect, it } from "vitest";
import { reportImages } from "../../../agents/host-agent/report-images.ts";
import type { Stores } from "../../../shared/store/stores.ts";
import { FakeDocker } from "../../helpers/fake-docker.ts";

function hostsRecording() {
  const writes: Array<Record<string, string>> = [];
  const hosts = { recordImages: async (_id: string, images: Record<string, string>) => void writes.push(images) };
  return { stores: { hosts } as unknown as Pick<Stores, "hosts">, writes };
}

describe("reportImages", () => {
  it("records each image the host has with its platform, and writes again only when they change", async () => {
    const docker = new FakeDocker(["berth-test/busybox:1", "team/app:2"]);
    const { stores, writes } = hostsRecording();

    await reportImages("host-report-1", docker, stores);
    await reportImages("host-report-1", docker, stores);
    docker.addImage("team/app:3");
    await reportImages("host-report-1", docker, stores);

    expect(writes).toEqual([
      { "berth-test/busybox:1": "linux/amd64", "team/app:2": "linux/amd64" },
      { "berth-test/busybox:1": "linux/amd64", "team/app:2": "linux/amd64", "team/app:3": "linux/amd64" },
    ]);
  });
});
