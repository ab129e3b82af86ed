import { InvalidFieldError } from "../errors.ts";
import type { HostSnapshot } from "./host-snapshot.ts";
import { hasImage } from "./image-on-hosts.ts";

/** Zun's image validation before scheduling: off, or the image must be on a host already. */
export const IMAGE_VALIDATIONS = ["off", "hosts"] as const;
export type ImageValidation = (typeof IMAGE_VALIDATIONS)[number];

export function isImageValidation(value: string): value is ImageValidation {
  return (IMAGE_VALIDATIONS as readonly string[]).includes(value);
}

/**
 * Refuses, before anything is placed or claimed, an image no host has, when
 * image validation is on: the deployment's (BERTH_IMAGE_VALIDATION), or the
 * request's own (`hints.image_validation`), which wins.
 */
export async function validateImage(
  image: string,
  validation: ImageValidation,
  hosts: Pick<HostSnapshot, "current">,
): Promise<void> {
  if (validation === "off") return;
  const onAHost = async (fresh: boolean) => (await hosts.current(fresh)).some((host) => hasImage(host, image));
  // The instance's view of the hosts first, as placement reads them; the table itself before refusing.
  if ((await onAHost(false)) || (await onAHost(true))) return;
  throw new InvalidFieldError(
    "image",
    `${image} is on no host (image validation is on): pull it first, or create with hints.image_validation=off`,
  );
}
