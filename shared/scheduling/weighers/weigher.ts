import type { HostRecord } from "../../hosts/record.ts";
import type { PlacementRequest } from "../filters/filter.ts";

/**
 * One quantity a host can be weighed by (Nova's weighers): its raw value,
 * more of it meaning more. Raw values are normalised to 0..1 across the
 * candidates and multiplied by the weigher's multiplier before they are summed,
 * so a negative multiplier prefers less of it. `appliesTo` says whether the
 * weigher has anything to say about this request at all.
 */
export interface HostWeigher {
  name: WeigherName;
  appliesTo(request: WeighingRequest): boolean;
  raw(host: HostRecord, request: WeighingRequest): number;
}

/** What weighing reads of a placement request. */
export type WeighingRequest = Pick<PlacementRequest, "strategy" | "multipliers" | "group">;

export const WEIGHER_NAMES = ["free_memory", "free_cpu", "container_count", "group"] as const;

export type WeigherName = (typeof WEIGHER_NAMES)[number];

/** How much each weigher counts: a preset's, with the deployment's overrides on top. */
export type Multipliers = Readonly<Record<WeigherName, number>>;
