import { randomUUID } from "node:crypto";
import { InvalidFieldError } from "../errors.ts";
import type { Mount, MountSpec } from "../model/mount.ts";
import type { VolumeStore } from "../store/volumes.ts";

/**
 * Turns the create body's mounts into the record's: a new volume gets its
 * uuid; an existing one must be the project's, and every existing volume a
 * container mounts must be on one host, where the container then has to go.
 */
export async function resolveMounts(
  specs: readonly MountSpec[],
  projectId: string,
  volumes: VolumeStore,
): Promise<{ mounts: Mount[]; volumeHostId: string | null }> {
  let volumeHostId: string | null = null;
  const mounts: Mount[] = [];
  for (const [index, spec] of specs.entries()) {
    if (spec.type === "bind") {
      mounts.push(spec);
    } else if ("size" in spec) {
      mounts.push({
        type: "volume",
        destination: spec.destination,
        volume_uuid: randomUUID(),
        size: spec.size,
        created_with_container: true,
        auto_remove: spec.auto_remove,
      });
    } else {
      const volume = await volumes.find(projectId, spec.source);
      if (!volume) throw new InvalidFieldError(`mounts[${index}].source`, `no volume ${spec.source} in this project`);
      if (volumeHostId && volume.host_id !== volumeHostId)
        throw new InvalidFieldError(
          `mounts[${index}].source`,
          "the volumes a container mounts must all be on one host",
        );
      volumeHostId = volume.host_id;
      mounts.push({
        type: "volume",
        destination: spec.destination,
        volume_uuid: volume.uuid,
        size: volume.size,
        created_with_container: false,
        auto_remove: false,
      });
    }
  }
  return { mounts, volumeHostId };
}
