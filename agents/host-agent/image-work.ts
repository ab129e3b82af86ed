import { log } from "../../shared/log.ts";
import type { ImageWork } from "../../shared/queue/host-messages.ts";
import type { SealingKeySource } from "../../shared/registries/sealing-key.ts";
import type { Stores } from "../../shared/store/stores.ts";
import { DockerOperationError } from "./docker/docker-errors.ts";
import type { DockerPort } from "./docker/docker-port.ts";
import { type PrivateImages, proofOf } from "./private-images.ts";
import { credentialsFor } from "./registry-credentials.ts";
import { pullFailureReason } from "./registry-guard.ts";

/**
 * The images API's work on this host: pull an image (its progress shown in
 * the record's reason while it runs), or remove one Docker no longer needs.
 */
export async function doImageWork(
  work: ImageWork,
  docker: DockerPort,
  stores: Pick<Stores, "images" | "registries">,
  hostId: string,
  secrets: SealingKeySource,
  privateImages?: PrivateImages,
): Promise<void> {
  const image = await stores.images.get(work.image_uuid);
  if (!image || image.host_id !== hostId) return;
  const reference = `${image.repo}:${image.tag}`;
  if (work.kind === "pull_image") {
    if (image.status !== "pulling") return;
    try {
      let lastShown = 0;
      const auth = await credentialsFor(stores, secrets, { projectId: image.project_id, image: image.repo });
      await docker.pullImage(
        reference,
        (status) => {
          if (Date.now() - lastShown < 500) return;
          lastShown = Date.now();
          void stores.images.update(image.uuid, { reason: `pulling: ${status}` }).catch(() => undefined);
        },
        auth,
      );
      await privateImages?.pulled(reference, proofOf(auth));
      const inspected = await docker.inspectImage(reference);
      await stores.images.update(image.uuid, {
        status: "active",
        image_id: inspected.Id,
        size: inspected.Size,
        reason: null,
      });
    } catch (error) {
      await stores.images.update(image.uuid, {
        status: "error",
        reason: `Image ${reference} could not be pulled: ${pullFailureReason(error)}`,
      });
    }
    return;
  }
  if (image.status !== "deleting") return;
  try {
    // By reference: an image id shared with other tags stays for them; only this tag goes.
    await docker.removeImage(reference);
  } catch (error) {
    if (error instanceof DockerOperationError && error.kind === "conflict") {
      log("info", "an image asked to be deleted is still in use", { image: image.uuid });
      await stores.images.update(image.uuid, { status: "active", reason: `not deleted: ${error.message}` });
      return;
    }
    if (!(error instanceof DockerOperationError && error.kind === "not_found")) throw error;
  }
  await stores.images.delete(image.uuid);
}
