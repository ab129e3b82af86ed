import { IMAGE_LIST_CAP, platformName } from "../../shared/model/host.ts";
import type { Stores } from "../../shared/store/stores.ts";
import type { DockerPort } from "./docker/docker-port.ts";

/** Each image's platform, by image id: an image does not change, so it is inspected once. */
const platformsById = new Map<string, string>();
/** What this process last wrote, per host: a host whose images did not change is not written. */
const lastWritten = new Map<string, string>();

/**
 * Records on the host item the images its Docker has, each with its
 * platform, so placement knows where an image already is (no pull), which
 * platform it is built for, and whether any host has it at all.
 */
export async function reportImages(hostId: string, docker: DockerPort, stores: Pick<Stores, "hosts">): Promise<void> {
  const images: Record<string, string> = {};
  for (const image of await docker.listImages()) {
    for (const reference of image.RepoTags ?? []) {
      if (reference === "<none>:<none>" || Object.keys(images).length >= IMAGE_LIST_CAP) continue;
      let platform = platformsById.get(image.Id);
      if (!platform) {
        const inspected = await docker.inspectImage(reference);
        platform = platformName(inspected.Os ?? "linux", inspected.Architecture ?? "unknown");
        platformsById.set(image.Id, platform);
      }
      images[reference] = platform;
    }
  }
  const signature = JSON.stringify(Object.entries(images).sort());
  if (lastWritten.get(hostId) === signature) return;
  await stores.hosts.recordImages(hostId, images);
  lastWritten.set(hostId, signature);
}
