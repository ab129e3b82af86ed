import { InvalidFieldError } from "../errors.ts";
import type { Mount, MountSpec } from "../model/mount.ts";

const MAX_MOUNTS = 16;
const MAX_BIND_BYTES = 64 * 1024;
const MAX_VOLUME_GIB = 1024;
const PATH = /^\/[^\0]*$/;

/**
 * Zun's mounts: `volume` with `size` (a new volume, GiB), `volume` with
 * `source` (an existing Berth volume, by uuid or name), or `bind` (`source`
 * is base64 file content written at `destination`). Each error names the field.
 */
export function validateMounts(value: unknown): MountSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidFieldError("mounts", "must be a list");
  if (value.length > MAX_MOUNTS) throw new InvalidFieldError("mounts", `at most ${MAX_MOUNTS} mounts`);
  const destinations = new Set<string>();
  return value.map((entry, index) => {
    const field = `mounts[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry))
      throw new InvalidFieldError(field, "must be an object {type, source, destination, size}");
    const mount = entry as Record<string, unknown>;
    for (const key of Object.keys(mount)) {
      if (!["type", "source", "destination", "size", "auto_remove"].includes(key))
        throw new InvalidFieldError(`${field}.${key}`, "additional properties are not allowed");
    }
    const type = mount.type ?? "volume";
    if (type !== "volume" && type !== "bind") throw new InvalidFieldError(`${field}.type`, "must be volume or bind");
    const destination = mount.destination;
    if (typeof destination !== "string" || !PATH.test(destination) || destination === "/" || destination.length > 255) {
      throw new InvalidFieldError(`${field}.destination`, "must be an absolute path other than /");
    }
    if (destinations.has(destination))
      throw new InvalidFieldError(`${field}.destination`, `${destination} is mounted twice`);
    destinations.add(destination);
    if (type === "bind") {
      if (mount.size !== undefined) throw new InvalidFieldError(`${field}.size`, "a bind mount has no size");
      if (typeof mount.source !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(mount.source))
        throw new InvalidFieldError(`${field}.source`, "must be base64 file content");
      if ((mount.source.length * 3) / 4 > MAX_BIND_BYTES)
        throw new InvalidFieldError(`${field}.source`, `at most ${MAX_BIND_BYTES / 1024} KiB`);
      return { type, destination, source: mount.source };
    }
    const hasSize = mount.size !== undefined && mount.size !== null;
    const hasSource = mount.source !== undefined && mount.source !== null;
    if (hasSize === hasSource)
      throw new InvalidFieldError(field, "a volume mount needs either size (a new volume) or source (an existing one)");
    if (hasSource) {
      if (typeof mount.source !== "string" || mount.source.length < 1 || mount.source.length > 255)
        throw new InvalidFieldError(`${field}.source`, "must name a volume");
      if (mount.auto_remove !== undefined)
        throw new InvalidFieldError(`${field}.auto_remove`, "applies only to a new volume");
      return { type, destination, source: mount.source };
    }
    const size = typeof mount.size === "string" && /^\d+$/.test(mount.size) ? Number(mount.size) : mount.size;
    if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > MAX_VOLUME_GIB) {
      throw new InvalidFieldError(`${field}.size`, `must be a whole number of GiB, 1–${MAX_VOLUME_GIB}`);
    }
    if (mount.auto_remove !== undefined && typeof mount.auto_remove !== "boolean")
      throw new InvalidFieldError(`${field}.auto_remove`, "must be a boolean");
    return { type, destination, size, auto_remove: mount.auto_remove !== false };
  });
}

/** The GiB of new volumes a container brings, claimed with its disk. */
export function newVolumeGiB(mounts: readonly Mount[]): number {
  return mounts.reduce(
    (sum, mount) => sum + (mount.type === "volume" && mount.created_with_container ? mount.size : 0),
    0,
  );
}

export function dockerVolumeName(volumeUuid: string): string {
  return `berth-vol-${volumeUuid}`;
}
