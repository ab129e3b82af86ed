import type { HostRecord } from "../../model/host.ts";
import type { PlacementRequest } from "../filters/filter.ts";
import type { WeigherName } from "./weigher-names.ts";

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
export type WeighingRequest = Pick<PlacementRequest, "strategy" | "multipliers" | "group" | "imagePlatforms"> & {
  /** The image asked for (the image weigher's only need of the spec). */
  spec?: { image: string };
};
