import { actionRequest, queryRequest } from "./action-requests.ts";
import { containerRequest, createRequest, listRequest } from "./container-requests.ts";
import type { Dice } from "./dice.ts";
import { imageRequest, inventoryRequest, quotaRequest, registryRequest } from "./other-requests.ts";
import type { FuzzTargets } from "./targets.ts";
import type { FuzzRequest } from "./wire.ts";

type Generator = (roll: Dice, targets: FuzzTargets) => FuzzRequest;

/** Each family of routes with its share of the run: most requests go where the input is richest. */
const FAMILIES: Array<[number, Generator]> = [
  [22, createRequest],
  [8, listRequest],
  [14, containerRequest],
  [24, actionRequest],
  [12, queryRequest],
  [5, quotaRequest],
  [5, registryRequest],
  [5, inventoryRequest],
  [5, imageRequest],
];
const TOTAL = FAMILIES.reduce((sum, [weight]) => sum + weight, 0);

/** The next request of a seeded run. */
export function nextRequest(roll: Dice, targets: FuzzTargets): FuzzRequest {
  let point = roll.next() * TOTAL;
  for (const [weight, generate] of FAMILIES) {
    if (point < weight) return generate(roll, targets);
    point -= weight;
  }
  return FAMILIES[0]![1](roll, targets);
}
