import { setTimeout as sleep } from "node:timers/promises";
import type { ActionRecord } from "../store/actions.ts";
import type { ContainerStore, IdempotencyClaim } from "../store/containers.ts";
import type { HostStore } from "../store/hosts.ts";
import type { ContainerRecord } from "../containers/record.ts";
import type { HostRecord } from "../hosts/record.ts";
import { chooseCandidates, explainNoValidHost } from "./choose-candidates.ts";
import type { PlacementRequest } from "./filters/filter.ts";

/** How many claim transactions one placement may try before it gives up. */
const MAX_CLAIM_ATTEMPTS = 30;

export type Placement = { placed: true; host: HostRecord } | { placed: false; reason: string };

/**
 * Places a new container: filters and ranks the hosts, then claims the best one
 * in the same transaction that stores the container. A host that filled up
 * meanwhile is re-read and re-filtered; a transaction conflict is retried after
 * a short jittered pause. Claims are conditional, so a stale view of a host can
 * cost a retry but never an overcommit.
 */
export async function placeContainer(
  draft: ContainerRecord,
  actionOnHost: (host: HostRecord) => ActionRecord,
  request: PlacementRequest,
  stores: { containers: ContainerStore; hosts: HostStore },
  idempotency?: IdempotencyClaim,
): Promise<Placement> {
  const allHosts = await stores.hosts.list();
  let { hosts: candidates, rejections } = chooseCandidates(allHosts, request);
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS && candidates.length > 0; attempt++) {
    const host = candidates[0]!;
    const outcome = await stores.containers.createPlaced({ ...draft, host_id: host.id, host: host.hostname }, host, actionOnHost(host), idempotency);
    if (outcome === "placed") return { placed: true, host };
    if (outcome === "contention") {
      await sleep(5 + Math.random() * 20 * Math.min(attempt + 1, 5));
      continue;
    }
    const fresh = await stores.hosts.get(host.id);
    candidates = candidates.slice(1);
    if (fresh) {
      const recheck = chooseCandidates([fresh], { ...request, now: Date.now() });
      if (recheck.hosts.length > 0) candidates = [fresh, ...candidates];
      else for (const [filter, rejected] of recheck.rejections) rejections.set(filter, [...(rejections.get(filter) ?? []), ...rejected]);
    }
  }
  if (candidates.length > 0) {
    return { placed: false, reason: `No valid host was found: gave up after ${MAX_CLAIM_ATTEMPTS} attempts under contention.` };
  }
  return { placed: false, reason: explainNoValidHost(allHosts.length, rejections, request) };
}
