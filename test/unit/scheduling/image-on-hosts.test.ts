import { describe, expect, it } from "vitest";
import { validateCreateBody } from "../../../shared/containers/validate-create.ts";
import type { HostRecord } from "../../../shared/model/host.ts";
import { listedReference, platformsOfImage } from "../../../shared/scheduling/image-on-hosts.ts";
import { placeContainer } from "../../../shared/scheduling/place-container.ts";
import { PlacementInstance } from "../../../shared/scheduling/placement-instance.ts";
import type { HostStore } from "../../../shared/store/hosts.ts";
import { hostRecord } from "../../helpers/host-record.ts";

const NOW = Date.now();
const IMAGE = "example/app:2";

async function placeOn(hosts: HostRecord[], strategy: "binpack" | "spread" = "spread") {
  const spec = validateCreateBody(
    { image: IMAGE, memory: 64 },
    { caller: { projectId: "p", userId: "u", roles: ["member"] } },
  );
  const store = {
    list: async () => hosts,
    get: async (id: string) => hosts.find((h) => h.id === id),
  } as unknown as HostStore;
  return placeContainer(
    { cpuMillis: 100, memory: 64, disk: 1 },
    {
      spec,
      cpuMillis: 100,
      now: NOW,
      hostDownAfterSeconds: 180,
      requestId: `r-${strategy}`,
      strategy,
      hostSubsetSize: 1,
      excludedHostIds: [],
    },
    store,
    async () => "placed",
    { table: `t-image-${Math.random()}`, snapshotMaxAgeMs: 60_000, instance: new PlacementInstance() },
  );
}

describe("images on hosts", () => {
  it("are named as Docker lists them: no tag is :latest", () => {
    expect(listedReference("busybox")).toBe("busybox:latest");
    expect(listedReference("registry.example:5000/team/app")).toBe("registry.example:5000/team/app:latest");
    expect(listedReference("team/app:2")).toBe("team/app:2");
    expect(listedReference("team/app@sha256:abc")).toBe("team/app@sha256:abc");
  });

  it("say which platform an image is built for, as the hosts that have it report", () => {
    const hosts = [
      hostRecord("arm", { architecture: "aarch64", images: { [IMAGE]: "linux/arm64" } }),
      hostRecord("amd", { images: { "other:1": "linux/amd64" } }),
    ];
    expect(platformsOfImage(hosts, IMAGE)).toEqual(["linux/arm64"]);
    expect(platformsOfImage(hosts, "nowhere:1")).toEqual([]);
  });

  it("keep a container off hosts of another platform than its image's, saying so", async () => {
    const hosts = [
      hostRecord("arm", {
        heartbeat_at: NOW,
        architecture: "aarch64",
        mem_used: 3000,
        images: { [IMAGE]: "linux/arm64" },
      }),
      hostRecord("amd", { heartbeat_at: NOW }),
    ];
    const placement = await placeOn(hosts);
    expect(placement.placed && placement.host.id).toBe("arm");
    expect(placement.decision.filtered).toEqual([expect.objectContaining({ filter: "platform" })]);
  });

  it("an image no host has passes every platform", async () => {
    const placement = await placeOn([hostRecord("amd", { heartbeat_at: NOW, images: { "other:1": "linux/amd64" } })]);
    expect(placement.placed).toBe(true);
  });

  it("prefer, other things equal, a host that already has the image (no pull)", async () => {
    const hosts = [
      hostRecord("without", { heartbeat_at: NOW }),
      hostRecord("with", { heartbeat_at: NOW, images: { [IMAGE]: "linux/amd64" } }),
    ];
    for (const strategy of ["binpack", "spread"] as const) {
      const placement = await placeOn(hosts, strategy);
      expect(placement.placed && placement.host.id).toBe("with");
      expect(placement.decision.scores[0]!.weighers).toMatchObject({ image: expect.any(Number) });
    }
  });
});
