import type { NetworkAddress } from "../../shared/model/container.ts";
import type { ContainerInspection } from "./docker/inspect-shape.ts";

/**
 * The container's addresses in Zun's shape, by the Docker network they are
 * on: its IPs there, the endpoint standing for Neutron's port. Undefined while
 * Docker shows none (a stopped container keeps what it had, as a Neutron port
 * outlives a stop).
 */
export function networkAddressesOf(
  inspected: Pick<ContainerInspection, "NetworkSettings">,
): Record<string, NetworkAddress[]> | undefined {
  const addresses: Record<string, NetworkAddress[]> = {};
  for (const endpoint of Object.values(inspected.NetworkSettings?.Networks ?? {})) {
    if (!endpoint.NetworkID) continue;
    const port = endpoint.EndpointID || null;
    const found: NetworkAddress[] = [];
    if (endpoint.IPAddress)
      found.push({ addr: endpoint.IPAddress, version: 4, port, preserve_on_delete: false, subnet_id: null });
    if (endpoint.GlobalIPv6Address)
      found.push({ addr: endpoint.GlobalIPv6Address, version: 6, port, preserve_on_delete: false, subnet_id: null });
    if (found.length > 0) addresses[endpoint.NetworkID] = found;
  }
  return Object.keys(addresses).length > 0 ? addresses : undefined;
}

/** Whether two address maps say the same, so an unchanged one is not written again. */
export function sameAddresses(
  a: Record<string, NetworkAddress[]> | null | undefined,
  b: Record<string, NetworkAddress[]> | null | undefined,
): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
