import { log } from "../../shared/log.ts";
import type { Stores } from "../../shared/store/stores.ts";
import type { DockerDriver } from "./docker-driver.ts";

/**
 * Removes the Docker containers this host made whose records now say they
 * live elsewhere (rescheduled while this host was down) or no longer exist
 * (deleted, or failed before Docker had them, while it was down): the record
 * decides which copy is the real one, so no container runs twice for long.
 * `placedHere` is what the caller already read for this host.
 */
export async function sweepOrphans(hostId: string, placedHere: ReadonlySet<string>, docker: DockerDriver, stores: Stores): Promise<number> {
  let removed = 0;
  for (const container of await docker.containersMadeFor(hostId)) {
    if (placedHere.has(container.uuid)) continue;
    // Read again, consistently: the listing of this host's records may be a moment old.
    const record = await stores.containers.get(container.uuid);
    if (record?.host_id === hostId) continue;
    log("info", "removing a Docker container whose record lives elsewhere or is gone", { container: container.uuid, docker_id: container.id, now_on: record?.host_id ?? null });
    await docker.remove(container.id);
    removed++;
  }
  return removed;
}
