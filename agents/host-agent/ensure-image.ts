import type { DockerPort } from "./docker/docker-port.ts";
import { type PrivateImages, proofOf } from "./private-images.ts";
import type { RegistryAuth } from "./registry-credentials.ts";
import { pullFailureReason } from "./registry-guard.ts";

/**
 * Makes the image present according to the pull policy, or throws a reason a
 * user can act on. `beforePull` runs only when a pull is really needed (it
 * shows `image_pulling`; an image already present costs no write), and may
 * throw to stop; `auth` is asked for only then too, or when the present copy
 * was pulled with credentials (`privateImages`): then it serves only
 * credentials that have pulled it, and others pull it again to prove access.
 */
export async function ensureImage(
  docker: DockerPort,
  image: string,
  policy: "never" | "always" | "ifnotpresent",
  onProgress: (status: string) => void,
  auth: () => Promise<RegistryAuth | undefined> = async () => undefined,
  beforePull: () => Promise<void> = async () => undefined,
  privateImages?: PrivateImages,
): Promise<void> {
  const reference = withTag(image);
  const pull = async (credentials: RegistryAuth | undefined) => {
    await beforePull();
    try {
      await docker.pullImage(reference, onProgress, credentials);
    } catch (error) {
      throw new Error(
        `Image ${reference} could not be pulled (image_pull_policy ${policy}): ${pullFailureReason(error)}`,
      );
    }
    await privateImages?.pulled(reference, proofOf(credentials));
  };
  if (policy !== "always" && (await docker.hasImage(reference))) {
    if (!privateImages?.guards(reference)) return;
    const credentials = await auth();
    if (privateImages.admits(reference, proofOf(credentials))) return;
    if (policy === "never") {
      throw new Error(
        `Image ${reference} was pulled on this host with another project's credentials; with image_pull_policy never, this project's access cannot be checked.`,
      );
    }
    return pull(credentials);
  }
  if (policy === "never")
    throw new Error(`Image ${reference} is not present on this host and image_pull_policy is never.`);
  return pull(await auth());
}

function withTag(image: string): string {
  if (image.includes("@")) return image;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  return lastSegment.includes(":") ? image : `${image}:latest`;
}
