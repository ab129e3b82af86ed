import type { Stores } from "../../shared/store/stores.ts";
import type { DockerPort } from "./docker/docker-port.ts";

/**
 * Chooses host ports for containers' exposed ports from the host's range, one
 * allocation at a time, avoiding the ports this host's containers already hold
 * (by their records) and any Docker has bound. Placement has already claimed
 * how many this host gives out, so the range cannot run dry.
 */
export class HostPortAllocator {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly docker: DockerPort,
    private readonly stores: Pick<Stores, "containers">,
    private readonly hostId: string,
    private readonly range: [number, number],
  ) {}

  allocate(
    containerUuid: string,
    exposed: string[],
    already: Record<string, number> | undefined,
  ): Promise<Record<string, number>> {
    const next = this.queue.then(() => this.choose(containerUuid, exposed, already ?? {}));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async choose(
    containerUuid: string,
    exposed: string[],
    already: Record<string, number>,
  ): Promise<Record<string, number>> {
    if (exposed.every((port) => already[port])) return already;
    const taken = new Set<number>();
    for (const record of await this.stores.containers.listByHost(this.hostId)) {
      if (record.uuid === containerUuid) continue;
      for (const port of Object.values(record.published_ports ?? {})) taken.add(port);
    }
    for (const container of await this.docker.listContainers()) {
      for (const port of container.Ports ?? []) if (port.PublicPort) taken.add(port.PublicPort);
    }
    const chosen: Record<string, number> = { ...already };
    const [start, end] = this.range;
    for (const port of exposed) {
      if (chosen[port]) continue;
      const size = end - start + 1;
      const offset = Math.floor(Math.random() * size);
      for (let step = 0; step < size; step++) {
        const candidate = start + ((offset + step) % size);
        if (!taken.has(candidate)) {
          chosen[port] = candidate;
          taken.add(candidate);
          break;
        }
      }
      if (!chosen[port]) throw new Error(`no free host port in ${start}-${end} for ${port}`);
    }
    return chosen;
  }
}
