import { log } from "../log.ts";
import { type HostRecord, isHostUp } from "../model/host.ts";
import type { ReconcileContext } from "./context.ts";
import { type Evacuation, evacuateContainer } from "./evacuate-container.ts";

export interface LivenessReport {
  hostsMarkedDown: number;
  hostsMarkedUp: number;
  containers: Record<Exclude<Evacuation, "unchanged">, number>;
}

/** A host is down when its heartbeat is older than the down time, or an admin forced it down. */
export function isHostDown(host: HostRecord, downAfterSeconds: number, now: number): boolean {
  return host.forced_down === true || !isHostUp(host, downAfterSeconds, now);
}

/**
 * Records each host's liveness (`state` up/down) from its heartbeat. A host
 * found down has its containers evacuated first (see evacuateContainer), and
 * only then is marked down, so a run that stops half-way is finished by the
 * next. Reads the hosts, and the containers only of hosts that just went down.
 */
export async function reconcileHostLiveness(hosts: HostRecord[], context: ReconcileContext): Promise<LivenessReport> {
  const report: LivenessReport = {
    hostsMarkedDown: 0,
    hostsMarkedUp: 0,
    containers: { rescheduled: 0, marked_unknown: 0, deleted: 0 },
  };
  for (const host of hosts) {
    const down = isHostDown(host, context.config.hostDownAfterSeconds, context.now);
    if (host.state === (down ? "down" : "up")) continue;
    if (down && !(await evacuateHost(host, context, report))) continue;
    if (!(await context.stores.hosts.setState(host.id, down ? "down" : "up", host.heartbeat_at))) continue;
    if (down) report.hostsMarkedDown++;
    else report.hostsMarkedUp++;
  }
  return report;
}

/** Evacuates every container of a host that went down; false when one failed (the host is left for the next run). */
async function evacuateHost(host: HostRecord, context: ReconcileContext, report: LivenessReport): Promise<boolean> {
  for (const record of await context.stores.containers.listByHost(host.id)) {
    try {
      const outcome = await evacuateContainer(record, host, context);
      if (outcome !== "unchanged") report.containers[outcome]++;
    } catch (error) {
      log("warn", "reconcile: could not evacuate a container; the next run tries again", {
        container: record.uuid,
        host: host.id,
        error,
      });
      return false;
    }
  }
  return true;
}
