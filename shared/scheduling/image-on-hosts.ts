import type { HostRecord } from "../model/host.ts";

/** An image reference as Docker lists it among a host's images: a reference without a tag or digest is `:latest`. */
export function listedReference(image: string): string {
  const last = image.slice(image.lastIndexOf("/") + 1);
  return last.includes(":") || image.includes("@") ? image : `${image}:latest`;
}

/** The platforms the image is built for, as the hosts that have it say (none when no host has it). */
export function platformsOfImage(hosts: readonly HostRecord[], image: string): string[] {
  const reference = listedReference(image);
  return [...new Set(hosts.flatMap((host) => (host.images?.[reference] ? [host.images[reference]] : [])))].sort();
}

/** Whether the host already has the image (a create there pulls nothing). */
export function hasImage(host: HostRecord, image: string): boolean {
  return host.images?.[listedReference(image)] !== undefined;
}
