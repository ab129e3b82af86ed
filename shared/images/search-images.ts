import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Identity } from "../auth/identity.ts";
import { allows } from "../auth/policy.ts";
import type { BerthConfig } from "../config.ts";
import { type AskOptions, askHostItself } from "../containers/ask-host.ts";
import { BerthError } from "../errors.ts";
import { isHostUp } from "../model/host.ts";
import type { Stores } from "../store/stores.ts";
import { isUsableBy } from "./committed-images.ts";

/** How many hosts one search asks at most. */
const HOSTS_ASKED = 20;

/**
 * The images on the hosts that are up (or on one of them) whose repository
 * matches, each host asked directly (no registry is searched); a host that
 * does not answer adds nothing. A member never sees another project's
 * committed images.
 */
export async function searchImages(
  search: { term: string; exact: boolean; onlyHost?: string },
  who: { caller: Identity; requestId: string },
  wait: Pick<AskOptions, "remainingMs" | "waitMs">,
  config: Pick<BerthConfig, "hostDownAfterSeconds">,
  stores: Stores,
  sqs: SQSClient,
): Promise<Array<Record<string, unknown>>> {
  const visible = (name: string) =>
    allows(who.caller, "image:search_all_projects") || isUsableBy(name, who.caller.projectId);
  const hosts = (await stores.hosts.list()).filter(
    (host) =>
      isHostUp(host, config.hostDownAfterSeconds) &&
      (!search.onlyHost || [host.hostname, host.id].includes(search.onlyHost)),
  );
  const answers = await Promise.all(
    hosts.slice(0, HOSTS_ASKED).map(async (host, index) => {
      try {
        const found = await askHostItself<Array<Record<string, unknown>>>(
          host,
          "search_images",
          "",
          { term: search.term, exact: search.exact },
          { ...wait, hostDownAfterSeconds: config.hostDownAfterSeconds, requestId: `${who.requestId}-${index}` },
          stores,
          sqs,
        );
        return found.filter((image) => visible(String(image.name))).map((image) => ({ ...image, host: host.hostname }));
      } catch (error) {
        if (error instanceof BerthError) return [];
        throw error;
      }
    }),
  );
  return answers.flat();
}
