import { ConflictError, NotFoundError } from "../errors.ts";
import type { HostRecord } from "../model/host.ts";
import type { HostStore } from "../store/hosts.ts";
import { COMPUTE_BINARY } from "./views.ts";

/** What an admin asks of a host's zun-compute service. */
export type ServiceChange =
  | { action: "enable" }
  | { action: "disable"; reason: string | null }
  | { action: "force_down"; forcedDown: boolean };

/** The host whose agent is the zun-compute service on `name` (its hostname or id), or a 404. */
export async function computeServiceOn(hosts: HostStore, name: string): Promise<HostRecord> {
  const host = (await hosts.list()).find((candidate) => candidate.hostname === name || candidate.id === name);
  if (!host) throw new NotFoundError(`Service ${COMPUTE_BINARY} on host ${name} could not be found.`);
  return host;
}

/**
 * Changes a host's service: a disabled host gets no new containers (its
 * containers keep running); a host forced down counts as down whatever its
 * heartbeat says. Answers the service as Zun shows the change.
 */
export async function changeService(hosts: HostStore, host: HostRecord, change: ServiceChange) {
  const service = { host: host.hostname, binary: COMPUTE_BINARY };
  switch (change.action) {
    case "enable":
      await hosts.setAdminState(host.id, { enabled: true, disabled_reason: null });
      return { ...service, disabled: false };
    case "disable":
      await hosts.setAdminState(host.id, { enabled: false, disabled_reason: change.reason });
      return { ...service, disabled: true, disabled_reason: change.reason };
    case "force_down":
      await hosts.setAdminState(host.id, { forced_down: change.forcedDown });
      return { ...service, forced_down: change.forcedDown };
  }
}

/** Forgets a host that holds no containers; one that still does is a 409. */
export async function forgetService(hosts: HostStore, host: HostRecord): Promise<void> {
  if (!(await hosts.remove(host.id)))
    throw new ConflictError(`Host ${host.hostname} still holds containers; delete or move them first.`, "host_in_use");
}

/** The availability zones hosts are registered in, sorted. */
export async function availabilityZones(hosts: HostStore): Promise<string[]> {
  return [...new Set((await hosts.list()).map((host) => host.availability_zone))].sort();
}
