import type { HostRecord } from "../../model/host.ts";
import { hasImage } from "../image-on-hosts.ts";
import type { HostWeigher } from "./weigher.ts";

/** The share of `total` not `used` (0 for a host without any of it, so it weighs as full). */
function freeShare(total: number, used: number): number {
  return total > 0 ? (total - used) / total : 0;
}

/** The share of the host's memory still free. */
export const freeMemoryWeigher: HostWeigher = {
  name: "free_memory",
  appliesTo: () => true,
  raw: (host: HostRecord) => freeShare(host.mem_total, host.mem_used),
};

/** The share of the host's cpu still free. */
export const freeCpuWeigher: HostWeigher = {
  name: "free_cpu",
  appliesTo: () => true,
  raw: (host: HostRecord) => freeShare(host.cpu_total_millis, host.cpu_used_millis),
};

/** How many containers the host holds (Nova's num_instances weigher). */
export const containerCountWeigher: HostWeigher = {
  name: "container_count",
  appliesTo: () => true,
  raw: (host: HostRecord) => host.total_containers,
};

/** The host already has the image: a create there pulls nothing (only where some host has it). */
export const imagePresentWeigher: HostWeigher = {
  name: "image",
  appliesTo: (request) => (request.imagePlatforms?.length ?? 0) > 0,
  raw: (host: HostRecord, request) => (request.spec && hasImage(host, request.spec.image) ? 1 : 0),
};
