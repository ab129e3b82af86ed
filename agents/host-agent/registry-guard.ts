import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { registryDomainOf } from "../../shared/images/reference.ts";

/**
 * Where an image may not be pulled from: the host's own loopback, link-local
 * (the cloud's instance metadata), and "this network". A member naming such a
 * registry would have the Docker daemon probe the host's private services.
 */
export const DEFAULT_DENIED_REGISTRY_NETWORKS =
  "127.0.0.0/8,169.254.0.0/16,0.0.0.0/8,::1/128,fe80::/10,fd00:ec2::254/128";

/** A pull Berth itself refused, with a reason written for the user. */
export class PullRefusedError extends Error {}

export class RegistryNetworkDeniedError extends PullRefusedError {}

/** Parses `a.b.c.d/n,…` (IPv4 and IPv6) into what `guardRegistry` checks against. */
export function deniedNetworks(raw: string): BlockList {
  const list = new BlockList();
  for (const entry of raw
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [address, bits] = entry.split("/");
    const family = isIP(address ?? "");
    if (!family || bits === undefined || !/^\d+$/.test(bits))
      throw new Error(`configuration: ${entry} is not a network like 10.0.0.0/8`);
    list.addSubnet(address!, Number(bits), family === 6 ? "ipv6" : "ipv4");
  }
  return list;
}

/**
 * Refuses, before any byte is sent, an image whose registry is or resolves
 * to a denied address. An image naming no registry comes from Docker Hub.
 */
export async function guardRegistry(image: string, denied: BlockList): Promise<void> {
  const domain = registryDomainOf(image);
  if (domain === undefined) return;
  const host = domain.startsWith("[") ? domain.slice(1, domain.indexOf("]")) : domain.replace(/:\d+$/, "");
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await lookup(host, { all: true }).catch(() => []);
  for (const { address, family } of addresses) {
    if (denied.check(address, family === 6 ? "ipv6" : "ipv4")) {
      throw new RegistryNetworkDeniedError(`registry ${domain} is on a network images may not be pulled from`);
    }
  }
}

/**
 * What a failed pull may tell the user: the kind of failure, never the
 * registry's response body or the daemon's internals.
 */
export function pullFailureReason(error: unknown): string {
  if (error instanceof PullRefusedError) return error.message;
  const detail = error instanceof Error ? error.message : String(error);
  if (/no basic auth credentials|unauthorized|authentication required|denied/i.test(detail))
    return "the registry refused access (unauthorized)";
  if (/manifest unknown|not found|does not exist|\b404\b/i.test(detail)) return "the registry has no such image";
  if (/no such host|connection refused|i\/o timeout|dial tcp|network is unreachable|server misbehaving/i.test(detail))
    return "the registry could not be reached";
  if (/timed out/i.test(detail)) return "the pull timed out";
  return "Docker could not pull it";
}
