import type Docker from "dockerode";
import { expect } from "vitest";
import { Status, statusFromDockerState } from "../../shared/model/container-status.ts";
import { overdueIndexOf } from "../../shared/store/pending-work.ts";
import type { TestBerth } from "./berth.ts";

/**
 * The end state every fault case must reach: no work left in flight; each
 * host's Docker holds exactly the containers the records place there (none
 * twice, no orphans) in the recorded status; every host's claimed capacity
 * and every project's quota usage equal what the records add up to.
 * `dockerOf` maps a host id to the engine it drives.
 */
export async function expectAgreement(
  berth: TestBerth,
  dockerOf: (hostId: string) => Docker = () => berth.docker,
): Promise<void> {
  await expectAccountingAgreement(berth);
  const containers = await berth.stores.containers.listAll();
  for (const host of await berth.stores.hosts.list()) {
    const docker = dockerOf(host.id);
    const inDocker = await docker.listContainers({
      all: true,
      filters: { label: [`berth.deployment=${berth.deployment}`, `berth.host=${host.id}`] },
    });
    const recorded = containers.filter((container) => container.host_id === host.id && container.container_id);
    expect(
      inDocker.map((container) => container.Labels["berth.uuid"]).sort(),
      `Docker on host ${host.id} against its records`,
    ).toEqual(recorded.map((container) => container.uuid).sort());
    for (const container of recorded) {
      if (container.status === Status.Error) continue; // an operation failed: the record carries its reason, not Docker's state
      const state = (await docker.getContainer(container.container_id!).inspect()).State;
      expect(container.status, `${container.uuid}'s status against Docker`).toBe(statusFromDockerState(state));
    }
  }
}

/**
 * The records' half of the agreement, for hosts with no Docker behind them:
 * no work in flight, and every host's and project's counters equal to what
 * the container and volume records add up to.
 */
export async function expectAccountingAgreement(berth: TestBerth): Promise<void> {
  const containers = await berth.stores.containers.listAll();
  for (const container of containers) {
    expect(container.task_state, `${container.uuid} still has a task`).toBeNull();
    expect(container.settled_generation, `${container.uuid} has unsettled work`).toBe(container.generation);
    expect(overdueIndexOf(container).gsi4pk, `${container.uuid} is still on the overdue index`).toBeUndefined();
  }
  const volumes = await berth.stores.volumes.listAll();
  for (const host of await berth.stores.hosts.list()) {
    const placed = containers.filter((container) => container.host_id === host.id && container.claim);
    const keptVolumes = volumes.filter((volume) => volume.host_id === host.id && !volume.container_uuid);
    expect(
      {
        cpu: host.cpu_used_millis,
        memory: host.mem_used,
        disk: host.disk_used,
        containers: host.total_containers,
        ports: host.ports_used ?? 0,
        cores: [...(host.pinned_cores ?? [])].sort((x, y) => x - y),
      },
      `host ${host.id}'s claimed capacity`,
    ).toEqual({
      cpu: sum(placed.map((container) => container.claim!.cpuMillis)),
      memory: sum(placed.map((container) => container.claim!.memory)),
      disk: sum(placed.map((container) => container.claim!.disk)) + sum(keptVolumes.map((volume) => volume.size)),
      containers: placed.length,
      ports: sum(placed.map((container) => container.claim!.ports ?? 0)),
      cores: placed.flatMap((container) => container.claim!.cores ?? []).sort((x, y) => x - y),
    });
  }
  for (const projectId of new Set(containers.map((container) => container.project_id))) {
    const claimed = containers.filter(
      (container) => container.project_id === projectId && container.host_id && container.claim,
    );
    // A record on no host that still counts as a container holds one container and nothing else.
    const heldOnNoHost = containers.filter(
      (container) =>
        container.project_id === projectId && (!container.host_id || !container.claim) && container.counts_as_container,
    );
    const keptVolumes = volumes.filter((volume) => volume.project_id === projectId && !volume.container_uuid);
    expect((await berth.stores.quotas.getProject(projectId)).usage, `project ${projectId}'s quota usage`).toEqual({
      containers: claimed.length + heldOnNoHost.length,
      cpuMillis: sum(claimed.map((container) => container.claim!.cpuMillis)),
      memory: sum(claimed.map((container) => container.claim!.memory)),
      disk: sum(claimed.map((container) => container.claim!.disk)) + sum(keptVolumes.map((volume) => volume.size)),
    });
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
