import { setTimeout as sleep } from "node:timers/promises";
import type { Claim } from "../containers/record.ts";
import type { HostRecord } from "../hosts/record.ts";
import type { ClaimOutcome } from "../store/containers.ts";
import type { HostStore } from "../store/hosts.ts";
import { chooseCandidates, explainNoValidHost } from "./choose-candidates.ts";
import type { PlacementRequest } from "./filters/filter.ts";
import { FILTERS_A_FORCED_HOST_SKIPS } from "./forced-host.ts";
import { HostSnapshot } from "./host-snapshot.ts";
import { type PlacementInstance, THIS_INSTANCE } from "./placement-instance.ts";
import { type RankedHost, rankHosts, withRandomFront } from "./rank-hosts.ts";
import { seededRandom } from "./seeded-random.ts";

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
 * that moved is re-checked (`onQuotaChanged`, which may refuse with 403); a
 * transaction conflict widens the window and moves to a different host.
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
  const window = (options.instance ?? THIS_INSTANCE).windowOf(options.table, request.hostSubsetSize);
  let ranked = rankHosts(candidates, request.strategy, window.size, random);
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
    };
    const outcome = await claimOnHost(host, explanation);
    if (outcome === "placed") {
      if (!contended) window.claimed();
      snapshot.learn(host.id, withClaim(host, claim));
      return { placed: true, host, explanation };
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
    } else {
      const fresh = await hosts.get(host.id);
      snapshot.learn(host.id, fresh);
      ranked = ranked.slice(1);
      const recheck = chooseCandidates(fresh ? [fresh] : [], { ...request, now: Date.now() });
      if (recheck.hosts.length > 0)
        ranked = reinsert(ranked, rankHosts(recheck.hosts, request.strategy, 1, random)[0]!);
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

function withClaim(host: HostRecord, claim: Claim): HostRecord {
  return {
    ...host,
    cpu_used_millis: host.cpu_used_millis + claim.cpuMillis,
    mem_used: host.mem_used + claim.memory,
    disk_used: host.disk_used + claim.disk,
    total_containers: host.total_containers + (claim.containers ?? 1),
  };
}

function reinsert(ranked: RankedHost[], host: RankedHost): RankedHost[] {
  const index = ranked.findIndex((other) => other.score < host.score);
  return index < 0 ? [...ranked, host] : [...ranked.slice(0, index), host, ...ranked.slice(index)];
}
