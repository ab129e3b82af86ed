import { setTimeout as sleep } from "node:timers/promises";
import { claimOnHost as pinnedClaimOn } from "../hosts/pinned-cores.ts";
import type { Claim } from "../model/container.ts";
import type { HostRecord } from "../model/host.ts";
import type { ClaimOutcome } from "../store/host-claims.ts";
import type { HostStore } from "../store/hosts.ts";
import { chooseCandidates } from "./choose-candidates.ts";
import type { GroupPlacement, PlacementRequest } from "./filters/filter.ts";
import { groupAffinityFilter } from "./filters/group-affinity.ts";
import { FILTERS_A_FORCED_HOST_SKIPS } from "./forced-host.ts";
import { HostSnapshot } from "./host-snapshot.ts";
import { platformsOfImage } from "./image-on-hosts.ts";
import { type PlacementInstance, THIS_INSTANCE } from "./placement-instance.ts";
import { filteredOf, type PlacementRecord, reasonOf, SCORED_HOSTS_KEPT } from "./placement-record.ts";
import { type RankedHost, rankHosts, ranksBefore, withRandomFront } from "./rank-hosts.ts";
import { seededRandom } from "./seeded-random.ts";
import { multipliersFor, weighingOf } from "./weighers/weigh-hosts.ts";

/** How many claim transactions one placement may try before it gives up. */
const MAX_CLAIM_ATTEMPTS = 30;

export type Placement =
  | { placed: true; host: HostRecord; decision: PlacementRecord }
  | { placed: false; reason: string; decision: PlacementRecord };

/**
 * Tries to take one host for the container, in the same transaction that
 * records it there: the caller decides what else that transaction holds (a
 * new container and its quota usage, or a container moving off a dead host).
 */
export type ClaimOnHost = (host: HostRecord, decision: PlacementRecord) => Promise<ClaimOutcome>;

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
  const { groupHolds } = options.instance ?? THIS_INSTANCE;
  if (request.group) request = { ...request, group: groupHolds.seenBy(request.group) };
  let allHosts = await snapshot.current();
  // Where the image already is says which platform it is built for, and where it needs no pull.
  request = { ...request, imagePlatforms: platformsOfImage(allHosts, request.spec.image) };
  let { hosts: candidates, rejections } = chooseCandidates(allHosts, request);
  if (candidates.length === 0) {
    // The snapshot may be older than a release that made room: look again before saying no.
    allHosts = await snapshot.current(true);
    request = { ...request, imagePlatforms: platformsOfImage(allHosts, request.spec.image) };
    ({ hosts: candidates, rejections } = chooseCandidates(allHosts, request));
  }
  const random = seededRandom(request.requestId);
  const weigh = weighingOf(candidates, request);
  const window = (options.instance ?? THIS_INSTANCE).windowOf(options.table, request.hostSubsetSize);
  let ranked = rankHosts(candidates, weigh, window.size, random);
  let contended = false;
  const scores = ranked.slice(0, SCORED_HOSTS_KEPT).map(({ host, score, weighers, preference }) => ({
    host: host.hostname,
    score,
    weighers,
    ...(preference === undefined ? {} : { preference }),
  }));
  /** The record of this placement as it stands at `attempts`. */
  const decisionAt = (attempts: number, outcome: PlacementRecord["outcome"] = "placed"): PlacementRecord => ({
    outcome,
    strategy: request.strategy,
    multipliers: multipliersFor(request),
    hosts_evaluated: allHosts.length,
    candidates: candidates.length,
    filtered: filteredOf(rejections, request),
    scores,
    attempts,
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
  });

  let attempt = 1;
  for (; attempt <= MAX_CLAIM_ATTEMPTS && ranked.length > 0; attempt++) {
    const { host } = ranked[0]!;
    const decision = decisionAt(attempt);
    // The cores a dedicated container takes here, as its claim will pick them: this instance's view counts them too.
    const claimHere = pinnedClaimOn(claim, host, request.spec) ?? claim;
    // Another of this instance's placements of the group may have taken the host since it was ranked.
    if (request.group && !groupAffinityFilter.passes(host, { ...request, group: groupHolds.seenBy(request.group) })) {
      ranked = ranked.slice(1);
      rejections.set(groupAffinityFilter, [...(rejections.get(groupAffinityFilter) ?? []), host]);
      continue;
    }
    const letGo = snapshot.hold(host.id, claimHere);
    const letGoMember = request.group ? groupHolds.hold(request.group.group.uuid, host.id) : () => undefined;
    const outcome = await claimOnHost(host, decision).finally(() => {
      letGo();
      letGoMember();
    });
    if (outcome === "placed") {
      if (!contended) window.claimed();
      snapshot.learnClaim(host.id, claimHere);
      return { placed: true, host, decision };
    }
    if (outcome === "contention" || outcome === "host_full") {
      // Others are claiming these hosts right now (a conflict, or a host they filled since this
      // instance looked): widen the window.
      contended = true;
      window.contended();
    }
    if (outcome === "contention") {
      // Try a different one of the best, rather than the same host again (it stays a candidate, last).
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
      if (recheck.hosts.length > 0) ranked = reinsert(ranked, rankHosts(recheck.hosts, weigh, 1, random)[0]!);
      else
        for (const [filter, rejected] of recheck.rejections)
          rejections.set(filter, [...(rejections.get(filter) ?? []), ...rejected]);
    }
  }
  const decision = decisionAt(attempt - 1, ranked.length > 0 ? "gave_up" : "no_valid_host");
  return { placed: false, reason: reasonOf(decision), decision };
}

function reinsert(ranked: RankedHost[], host: RankedHost): RankedHost[] {
  const index = ranked.findIndex((other) => ranksBefore(host, other));
  return index < 0 ? [...ranked, host] : [...ranked.slice(0, index), host, ...ranked.slice(index)];
}
