import type { DockerDriver } from "./docker-driver.ts";
import { pullFailureReason } from "./registry-guard.ts";
import type { RegistryAuth } from "./registry-credentials.ts";

/**
 * Makes the image present according to the pull policy, or throws a reason a
 * user can act on. `beforePull` runs only when a pull is really needed (it
 * shows `image_pulling`; an image already present costs no write), and may
 * throw to stop; `auth` is asked for only then too.
 */
export async function ensureImage(
  docker: DockerDriver,
  image: string,
  policy: "never" | "always" | "ifnotpresent",
  onProgress: (status: string) => void,
  auth: () => Promise<RegistryAuth | undefined> = async () => undefined,
  beforePull: () => Promise<void> = async () => undefined,
): Promise<void> {
  const reference = withTag(image);
  if (policy === "never") {
    if (!(await docker.hasImage(reference))) throw new Error(`Image ${reference} is not present on this host and image_pull_policy is never.`);
    return;
  }
  if (policy === "ifnotpresent" && (await docker.hasImage(reference))) return;
  await beforePull();
  try {
    await docker.pullImage(reference, onProgress, await auth());
  } catch (error) {
    throw new Error(`Image ${reference} could not be pulled (image_pull_policy ${policy}): ${pullFailureReason(error)}`);
  }
}

function withTag(image: string): string {
  if (image.includes("@")) return image;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  return lastSegment.includes(":") ? image : `${image}:latest`;
}
