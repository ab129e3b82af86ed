import { log } from "../../shared/log.ts";
import { Status } from "../../shared/model/container-status.ts";
import { wantedRunning } from "../../shared/model/lifecycle.ts";
import type { Stores } from "../../shared/store/stores.ts";
import { dockerIdOf } from "./docker/container-name.ts";
import type { DockerPort } from "./docker/docker-port.ts";
import { isPlacedHere } from "./is-placed-here.ts";
import { missingVolumes } from "./prepare-volumes.ts";
import { sweepOrphans } from "./sweep-orphans.ts";
import { sweepVolumes } from "./sweep-volumes.ts";
import { type Healer, syncStatusFromDocker } from "./sync-status.ts";

/**
 * Reads every container placed on this host and brings its record in line
 * with Docker: what the event stream missed (the agent was down, Docker
 * restarted) is caught here. With `restartWanted`, as at the agent's start,
 * a container the record says is Running (or was, until its host went down)
 * but Docker has stopped is started again first: the record is the desired state. Copies the records no longer
 * place here (moved while this host was down, or deleted) are removed first, on that evidence only (see
 * sweepOrphans, sweepVolumes).
 */
export async function syncHost(
  hostId: string,
  docker: DockerPort,
  stores: Pick<Stores, "containers" | "hosts" | "tombstones" | "volumes">,
  heal: Healer,
  options: { restartWanted: boolean /** the Berth installation whose Docker parts are swept */; deployment: string },
): Promise<void> {
  const records = await stores.containers.listByHost(hostId);
  await sweepOrphans(hostId, new Set(records.map((record) => record.uuid)), docker, options.deployment, stores).catch(
    (error) => log("warn", "sweeping orphaned containers failed", { error }),
  );
  const mounted = records.flatMap((record) =>
    (record.mounts ?? []).flatMap((mount) => (mount.type === "volume" ? [mount.volume_uuid] : [])),
  );
  await sweepVolumes(hostId, new Set(mounted), docker, options.deployment, stores).catch((error) =>
    log("warn", "sweeping volumes failed", { error }),
  );
  for (const record of records) {
    try {
      const settled = !record.task_state && record.settled_generation >= record.generation;
      // Running, or Running until its host went down (a host that rebooted comes back to them stopped).
      if (options.restartWanted && settled && wantedRunning(record)) {
        const inspected = await docker.inspect(dockerIdOf(record));
        // Read again, consistently, before acting: the listing by host may be a moment old.
        if (inspected && !inspected.State?.Running && isPlacedHere(await stores.containers.get(record.uuid), hostId)) {
          const missing = await missingVolumes(docker, record);
          if (missing.length > 0) {
            await stores.containers.recordOutcome(record.uuid, record.generation, {
              status: Status.Error,
              status_reason: `not restarted: volumes ${missing.join(", ")} are missing on this host`,
            });
            continue;
          }
          log("info", "recovery: starting a container that should be running", { container: record.uuid });
          await docker.start(inspected.Id);
        }
      }
      await syncStatusFromDocker(record, hostId, docker, stores, heal);
    } catch (error) {
      log("warn", "sync of a container failed", { container: record.uuid, error });
    }
  }
}

export class PeriodicSync {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly everySeconds: number,
  ) {}

  start(): void {
    this.timer = setInterval(
      () => void this.run().catch((error) => log("warn", "periodic sync failed", { error })),
      this.everySeconds * 1000,
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
