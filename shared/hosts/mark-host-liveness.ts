import type { HostStore } from "../store/hosts.ts";
import { isHostUp } from "./record.ts";

/**
 * Records each host's liveness as `state` (up/down) from its heartbeat, so a
 * host's going down is noticed and logged once, not on every read.
 */
export async function markHostLiveness(hosts: HostStore, downAfterSeconds: number, now = Date.now()) {
  let hostsMarkedDown = 0;
  let hostsMarkedUp = 0;
  for (const host of await hosts.list()) {
    const state = isHostUp(host, downAfterSeconds, now) ? "up" : "down";
    if (host.state === state) continue;
    if (!(await hosts.setState(host.id, state, host.heartbeat_at))) continue;
    if (state === "down") hostsMarkedDown++;
    else hostsMarkedUp++;
  }
  return { hostsMarkedDown, hostsMarkedUp };
}
