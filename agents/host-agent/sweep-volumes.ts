import { log } from "../../shared/log.ts";
import type { Stores } from "../../shared/store/stores.ts";
import type { DockerPort } from "./docker/docker-port.ts";
import { removeDockerVolumes } from "./prepare-volumes.ts";
import { reportUnknown } from "./report-unknown.ts";

/**
 * Docker volumes follow the containers' rule: one is removed only when its
 * record is gone and its tombstone says it was deleted. One whose record
 * exists is kept (whichever host the record names: an engine may serve two);
 * one with neither record nor tombstone is kept and reported on the host item.
 * `mountedHere` are the volumes this host's records mount, known without a read.
 * Returns how many it removed (deletions whose removal this host missed).
 */
export async function sweepVolumes(
  hostId: string,
  mountedHere: ReadonlySet<string>,
  docker: DockerPort,
  deployment: string,
  stores: Pick<Stores, "hosts" | "tombstones" | "volumes">,
): Promise<number> {
  let removed = 0;
  const unknown = [];
  for (const volume of await volumesMade(docker, deployment)) {
    if (mountedHere.has(volume.uuid)) continue;
    const fate = await fateOf(volume.uuid, stores);
    if (fate === "recorded") continue;
    if (fate === undefined) {
      unknown.push({ uuid: volume.uuid, name: volume.name });
      continue;
    }
    try {
      await removeDockerVolumes(docker, [volume.uuid]);
      log("info", "removed a deleted volume its host had kept", { volume: volume.uuid });
      removed++;
    } catch (error) {
      log("warn", "a deleted volume could not be removed (still in use?)", { volume: volume.uuid, error });
    }
  }
  await reportUnknown(hostId, "volumes", unknown, stores);
  return removed;
}

/**
 * Carries out a volume removal sent to this host, only on the evidence of the
 * volume's tombstone: a message for a volume still recorded, or known to
 * neither record nor tombstone (a table emptied or restored), removes nothing.
 */
export async function removeVolumeIfDeleted(
  volumeUuid: string,
  docker: DockerPort,
  stores: Pick<Stores, "hosts" | "tombstones" | "volumes">,
): Promise<void> {
  const fate = await fateOf(volumeUuid, stores);
  if (fate === "deleted") return removeDockerVolumes(docker, [volumeUuid]);
  log("warn", "not removing a volume: no tombstone says it was deleted", {
    volume: volumeUuid,
    recorded: fate === "recorded",
  });
}

/** The volumes this deployment made on this Docker engine for Berth volumes (not capsules'): Docker name and uuid. */
async function volumesMade(docker: DockerPort, deployment: string): Promise<Array<{ name: string; uuid: string }>> {
  return (await docker.listVolumes([`berth.deployment=${deployment}`]))
    .filter((volume) => !volume.Labels?.["berth.capsule"])
    .map((volume) => ({ name: volume.Name, uuid: volume.Labels?.["berth.volume"] ?? "" }));
}

async function fateOf(
  volumeUuid: string,
  stores: Pick<Stores, "hosts" | "tombstones" | "volumes">,
): Promise<"recorded" | "deleted" | undefined> {
  if (!volumeUuid) return undefined;
  if (await stores.volumes.get(volumeUuid)) return "recorded";
  return (await stores.tombstones.get("volume", volumeUuid)) ? "deleted" : undefined;
}
