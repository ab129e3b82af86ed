import type { ContainerRecord } from "../../shared/model/container.ts";
import { dockerVolumeName } from "../../shared/volumes/mounts.ts";
import type { DockerPort } from "./docker/docker-port.ts";
import { tarOfOneFile } from "./tar-file.ts";

/**
 * Makes every volume a container mounts present before it is created or
 * started: a volume it makes for itself is created if missing; an existing
 * volume that Docker no longer has is an error, never silently recreated empty.
 */
export async function ensureVolumes(docker: DockerPort, record: ContainerRecord, deployment: string): Promise<void> {
  for (const mount of record.mounts ?? []) {
    if (mount.type !== "volume") continue;
    const name = dockerVolumeName(mount.volume_uuid);
    // Any failure to find it counts as missing, as a missing volume does.
    const exists = await docker.hasVolume(name).catch(() => false);
    if (exists) continue;
    if (!mount.created_with_container)
      throw new Error(`Volume ${mount.volume_uuid} mounted at ${mount.destination} is missing on this host.`);
    await docker.createVolume({
      Name: name,
      Labels: {
        "berth.deployment": deployment,
        "berth.volume": mount.volume_uuid,
        "berth.project": record.project_id,
      },
    });
  }
}

/** Volumes a recovery must find before starting a container again; returns the missing ones. */
export async function missingVolumes(docker: DockerPort, record: ContainerRecord): Promise<string[]> {
  const missing: string[] = [];
  for (const mount of record.mounts ?? []) {
    if (mount.type !== "volume") continue;
    const name = dockerVolumeName(mount.volume_uuid);
    if (!(await docker.hasVolume(name).catch(() => false))) missing.push(mount.volume_uuid);
  }
  return missing;
}

/** Writes each bind mount's content at its destination in a created container. */
export async function injectBindFiles(docker: DockerPort, containerId: string, record: ContainerRecord): Promise<void> {
  for (const mount of record.mounts ?? []) {
    if (mount.type !== "bind") continue;
    const tar = tarOfOneFile(mount.destination, Buffer.from(mount.source, "base64"));
    await docker.putArchive(containerId, "/", tar);
  }
}

/** Removes Docker volumes whose Berth records are gone. A volume still held by Docker is left, and logged by the caller. */
export async function removeDockerVolumes(docker: DockerPort, volumeUuids: string[]): Promise<void> {
  for (const uuid of volumeUuids) {
    await docker.removeVolume(dockerVolumeName(uuid)).catch((error: unknown) => {
      if (!String(error).includes("no such volume")) throw error;
    });
  }
}
