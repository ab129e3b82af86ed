import type { HostRecord } from "../../model/host.ts";
import { groupWeigher } from "./group-preference.ts";
import { WEIGHERS } from "./registry.ts";
import { STRATEGIES } from "./strategies.ts";
import type { WeighingRequest } from "./weigher.ts";
import type { Multipliers, WeigherName } from "./weigher-names.ts";

/** Weights are kept in millionths, so scores are integers. */
const SCALE = 1_000_000;

/** A host's weight: the sum, each weigher's part, and the soft group policy's part on its own. */
export interface Weighed {
  score: number;
  weighers: Partial<Record<WeigherName, number>>;
  /** Present under a soft group policy: its part, which ranks before the sum. */
  preference?: number;
}

/** The request's strategy preset, with the deployment's multipliers on top. */
export function multipliersFor(request: Pick<WeighingRequest, "strategy" | "multipliers">): Multipliers {
  return { ...STRATEGIES[request.strategy], ...request.multipliers };
}

/**
 * Nova's weighing: each weigher's raw values are normalised to 0..1 across
 * `candidates` (all equal: 0 for every host), multiplied by its multiplier and
 * summed. The ranges are the candidates', so a host re-read later is weighed on
 * the same scale as the others.
 */
export function weighingOf(candidates: readonly HostRecord[], request: WeighingRequest): (host: HostRecord) => Weighed {
  const multipliers = multipliersFor(request);
  const active = WEIGHERS.filter((weigher) => multipliers[weigher.name] !== 0 && weigher.appliesTo(request)).map(
    (weigher) => {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const host of candidates) {
        const raw = weigher.raw(host, request);
        min = Math.min(min, raw);
        max = Math.max(max, raw);
      }
      return { weigher, min, range: max - min, multiplier: multipliers[weigher.name] };
    },
  );
  return (host) => {
    const weighers: Partial<Record<WeigherName, number>> = {};
    let score = 0;
    let preference: number | undefined;
    for (const { weigher, min, range, multiplier } of active) {
      const normalised = range > 0 ? (weigher.raw(host, request) - min) / range : 0;
      const weight = Math.round(multiplier * normalised * SCALE) || 0; // never -0
      weighers[weigher.name] = weight;
      score += weight;
      if (weigher === groupWeigher) preference = weight;
    }
    return { score, weighers, ...(preference === undefined ? {} : { preference }) };
  };
}
