import { readConfig } from "../../shared/config.ts";
import { log } from "../../shared/log.ts";
import { markHostLiveness } from "../../shared/hosts/mark-host-liveness.ts";
import { storesFor } from "../../shared/store/stores.ts";

/** The scheduled reconcile function: brings recorded state back in line with the truth. */
export const handler = async (): Promise<{ hostsMarkedDown: number; hostsMarkedUp: number }> => {
  const config = readConfig();
  const result = await markHostLiveness(storesFor(config).hosts, config.hostDownAfterSeconds);
  if (result.hostsMarkedDown + result.hostsMarkedUp > 0) log("info", "reconcile: host liveness changed", result);
  return result;
};
