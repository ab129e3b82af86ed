import { log } from "../../shared/log.ts";
import type { Stores } from "../../shared/store/stores.ts";
import { nameOfListed } from "./docker/container-name.ts";
import type { DockerPort } from "./docker/docker-port.ts";
import { isPlacedHere } from "./is-placed-here.ts";
import { reportUnknown } from "./report-unknown.ts";

/** Why a Docker container labelled for this host may go: the positive evidence its record or tombstone gives. */
export type RemovalEvidence = "placed_elsewhere" | "placed_nowhere" | "deleted";

/**
 * Removes the Docker containers this host made only on positive evidence
 * that they are not this host's any more: the record places the container
 * on another host (rescheduled while this one was down) or on none (its
 * create failed), or a tombstone says it was deleted. One with neither
 * record nor tombstone (a table emptied, restored or mistaken) is kept
 * running and reported on the host item, never destroyed. `placedHere` is
 * what the caller already read for this host. Returns how many it removed.
 */
export async function sweepOrphans(
  hostId: string,
  placedHere: ReadonlySet<string>,
  docker: DockerPort,
  deployment: string,
  stores: Pick<Stores, "containers" | "hosts" | "tombstones">,
): Promise<number> {
  let removed = 0;
  const unknown = [];
  for (const container of await containersMadeFor(docker, deployment, hostId)) {
    if (placedHere.has(container.uuid)) continue;
    const evidence = await evidenceFor(container.uuid, hostId, stores);
    if (evidence === "placed_here") continue;
    if (evidence === undefined) {
      unknown.push({ uuid: container.uuid, name: container.name, docker_id: container.id });
      continue;
    }
    log("info", "removing a Docker container its records no longer place here", {
      container: container.uuid,
      docker_id: container.id,
      evidence,
    });
    await docker.remove(container.id);
    removed++;
  }
  await reportUnknown(hostId, "containers", unknown, stores);
  return removed;
}

/** The containers this deployment made on this Docker engine for one Berth host: id, Berth uuid and Docker name. */
async function containersMadeFor(
  docker: DockerPort,
  deployment: string,
  hostId: string,
): Promise<Array<{ id: string; uuid: string; name: string }>> {
  const listed = await docker.listContainers([`berth.deployment=${deployment}`, `berth.host=${hostId}`]);
  return listed.map((container) => ({
    id: container.Id,
    uuid: container.Labels["berth.uuid"] ?? "",
    name: nameOfListed(container.Names),
  }));
}

async function evidenceFor(
  uuid: string,
  hostId: string,
  stores: Pick<Stores, "containers" | "hosts" | "tombstones">,
): Promise<RemovalEvidence | "placed_here" | undefined> {
  if (!uuid) return undefined;
  // Read again, consistently: the listing of this host's records may be a moment old.
  const record = await stores.containers.get(uuid);
  if (isPlacedHere(record, hostId)) return "placed_here";
  if (record) return record.host_id ? "placed_elsewhere" : "placed_nowhere";
  return (await stores.tombstones.get("container", uuid)) ? "deleted" : undefined;
}
