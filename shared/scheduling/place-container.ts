import { setTimeout as sleep } from "node:timers/promises";
import type { Claim } from "../containers/record.ts";
import { claimOnHost as pinnedClaimOn } from "../hosts/pinned-cores.ts";
import type { HostRecord } from "../hosts/record.ts";
import type { ClaimOutcome } from "../store/containers.ts";
import type { HostStore } from "../store/hosts.ts";
import { chooseCandidates, explainNoValidHost } from "./choose-candidates.ts";
import type { GroupPlacement, PlacementRequest } from "./filters/filter.ts";
import { groupAffinityFilter } from "./filters/group-affinity.ts";
import { FILTERS_A_FORCED_HOST_SKIPS } from "./forced-host.ts";
import { HostSnapshot } from "./host-snapshot.ts";
import { type PlacementInstance, THIS_INSTANCE } from "./placement-instance.ts";
import { type RankedHost, rankHosts, ranksBefore, withRandomFront } from "./rank-hosts.ts";
import { seededRandom } from "./seeded-random.ts";
import { groupPreference } from "./weighers/group-preference.ts";

/** How many claim transactions one placement may try before it gives up. */
const MAX_CLAIM_ATTEMPTS = 30;

/** Why a host was chosen: what the action's schedule event records. */
export interface PlacementExplanation {
  strategy: string;
  candidates: number;
  attempts: number;
  scores: Array<{ host: string; score: number }>;
  /** An admin forced the host through `availability_zone`: these filters were not run. */
  forced_host_skipped_filters?: string[];
  /** The server group the container joined with this claim. */
  server_group?: { id: string; name: string; policy: string };
}

export type Placement =
  | { placed: true; host: HostRecord; explanation: PlacementExplanation }
  | { placed: false; reason: string };

/**
 * Tries to take one host for the container, in the same transaction that
 * records it there: the caller decides what else that transaction holds (a
 * new container and its quota usage, or a container moving off a dead host).
 */
export type ClaimOnHost = (host: HostRecord, explanation: PlacementExplanation) => Promise<ClaimOutcome>;

/**
 * Places a container: filters the hosts of this instance's snapshot, ranks the
 * survivors (seeded from the request id, so a placement can be replayed), then
 * claims one picked at random among the best of this instance's contention
 * window. A host that filled up meanwhile is re-read and re-ranked; a quota
 * that moved is re-checked (`onQuotaChanged`, which may refuse with 403); when
 * the server group refuses a host in the claim (its members moved meanwhile)
 * the group is re-read and every host it now refuses is passed over, not only
 * that one; a transaction conflict widens the window and moves to a different host.
 */
export async function placeContainer(
  claim: Claim,
  request: PlacementRequest,
  hosts: HostStore,
  claimOnHost: ClaimOnHost,
  options: {
    table: string;
    snapshotMaxAgeMs: number;
    onQuotaChanged?: () => Promise<void>;
    /** Whose memory of the hosts to use: this function instance's unless a benchmark simulates others. */
    instance?: PlacementInstance;
    /** Reads the container's server group again, after its claim refused a host. */
    rereadGroup?: () => Promise<GroupPlacement>;
  },
): Promise<Placement> {
  const snapshot = HostSnapshot.of(hosts, options.table, options.snapshotMaxAgeMs, options.instance);
  let allHosts = await snapshot.current();
  let { hosts: candidates, rejections } = chooseCandidates(allHosts, request);
  if (candidates.length === 0) {
    // The snapshot may be older than a release that made room: look again before saying no.
    allHosts = await snapshot.current(true);
    ({ hosts: candidates, rejections } = chooseCandidates(allHosts, request));
  }
  const random = seededRandom(request.requestId);
  const preference = groupPreference(request);
  const window = (options.instance ?? THIS_INSTANCE).windowOf(options.table, request.hostSubsetSize);
  let ranked = rankHosts(candidates, request.strategy, window.size, random, preference);
  let contended = false;
  const scores = ranked.slice(0, 5).map(({ host, score }) => ({ host: host.hostname, score }));

  for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS && ranked.length > 0; attempt++) {
    const { host } = ranked[0]!;
    const explanation: PlacementExplanation = {
      strategy: request.strategy,
      candidates: candidates.length,
      attempts: attempt,
      scores,
      ...(request.spec.forced_host
        ? { forced_host_skipped_filters: FILTERS_A_FORCED_HOST_SKIPS.map((filter) => filter.name) }
        : {}),
      ...(request.group
        ? {
            server_group: {
              id: request.group.group.uuid,
              name: request.group.group.name,
              policy: request.group.group.policy,
            },
          }
        : {}),
    };
    // The cores a dedicated container takes here, as its claim will pick them: this instance's view counts them too.
    const claimHere = pinnedClaimOn(claim, host, request.spec) ?? claim;
    const letGo = snapshot.hold(host.id, claimHere);
    const outcome = await claimOnHost(host, explanation).finally(letGo);
    if (outcome === "placed") {
      if (!contended) window.claimed();
      snapshot.learnClaim(host.id, claimHere);
      return { placed: true, host, explanation };
    }
    if (outcome === "host_full") {
      // Filled by others since this instance last looked: the same crowd as a conflict.
      contended = true;
      window.contended();
    }
    if (outcome === "contention") {
      // Others are claiming this host right now: widen the window and try a different one of
      // the best, rather than the same host again (it stays a candidate, last).
      contended = true;
      window.contended();
      ranked = withRandomFront([...ranked.slice(1), ranked[0]!], window.size, random);
      await sleep(random() * 5 * Math.min(attempt, 5));
    } else if (outcome === "quota_changed") {
      await options.onQuotaChanged?.();
    } else if (outcome === "group_full") {
      const reread = options.rereadGroup ? { ...request, group: await options.rereadGroup() } : request;
      const refused = [
        host,
        ...ranked.slice(1).flatMap((other) => (groupAffinityFilter.passes(other.host, reread) ? [] : [other.host])),
      ];
      ranked = ranked.slice(1).filter((other) => groupAffinityFilter.passes(other.host, reread));
      rejections.set(groupAffinityFilter, [...(rejections.get(groupAffinityFilter) ?? []), ...refused]);
    } else {
      const fresh = await hosts.get(host.id);
      snapshot.learn(host.id, fresh);
      ranked = ranked.slice(1);
      const recheck = chooseCandidates(fresh ? [fresh] : [], { ...request, now: Date.now() });
      if (recheck.hosts.length > 0)
        ranked = reinsert(ranked, rankHosts(recheck.hosts, request.strategy, 1, random, preference)[0]!);
      else
        for (const [filter, rejected] of recheck.rejections)
          rejections.set(filter, [...(rejections.get(filter) ?? []), ...rejected]);
    }
  }
  if (ranked.length > 0)
    return {
      placed: false,
      reason: `No valid host was found: gave up after ${MAX_CLAIM_ATTEMPTS} attempts under contention.`,
    };
  return { placed: false, reason: explainNoValidHost(allHosts.length, rejections, request) };
}

function reinsert(ranked: RankedHost[], host: RankedHost): RankedHost[] {
  const index = ranked.findIndex((other) => ranksBefore(host, other));
  return index < 0 ? [...ranked, host] : [...ranked.slice(0, index), host, ...ranked.slice(index)];
}
