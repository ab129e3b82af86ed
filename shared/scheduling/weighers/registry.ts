import { groupWeigher } from "./group-preference.ts";
import { containerCountWeigher, freeCpuWeigher, freeMemoryWeigher, imagePresentWeigher } from "./resources.ts";
import type { HostWeigher } from "./weigher.ts";

/** Every weigher. A host's score is the sum of their normalised, multiplied weights. */
export const WEIGHERS: readonly HostWeigher[] = [
  freeMemoryWeigher,
  freeCpuWeigher,
  containerCountWeigher,
  groupWeigher,
  imagePresentWeigher,
];
