/** The chain of Berth's own that holds every rule keeping containers off their host. */
export const ISOLATION_CHAIN = "BERTH-ISOLATION";

/** Docker's default bridge and every user-defined bridge, Berth's project networks among them. */
export const CONTAINER_BRIDGES = ["docker0", "br-+"] as const;

export type IpFamily = "ipv4" | "ipv6";

/** The cloud's instance metadata service (AWS: IMDS on IPv4, and on IPv6 in Nitro instances). */
export const METADATA_ADDRESSES: Record<IpFamily, string> = {
  ipv4: "169.254.169.254/32",
  ipv6: "fd00:ec2::254/128",
};

/** A port on the host's own addresses containers may still reach, e.g. a DNS resolver there. */
export interface AllowedHostPort {
  port: number;
  protocol: "tcp" | "udp";
}

/** One iptables rule: the chain it goes in and the match and target after it. */
export interface Rule {
  chain: string;
  spec: string[];
}

/**
 * What the isolation chain holds, in order: replies to connections the host
 * opened pass; the metadata address is refused (allowed ports never open it);
 * then the allowed host ports pass, and the rest of the host's own addresses
 * is refused. Other destinations fall through to Docker's own rules, which
 * keep bridges apart from each other.
 */
export function isolationChainRules(family: IpFamily, allowed: AllowedHostPort[]): Rule[] {
  const rule = (...spec: string[]): Rule => ({ chain: ISOLATION_CHAIN, spec });
  return [
    rule("-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN"),
    // Neighbour discovery is ICMPv6 to the host's own link-local address: without it no IPv6 reaches anywhere.
    ...(family === "ipv6" ? [rule("-p", "ipv6-icmp", "-j", "RETURN")] : []),
    rule("-d", METADATA_ADDRESSES[family], "-j", "REJECT"),
    ...allowed.map(({ port, protocol }) =>
      rule(
        "-p",
        protocol,
        "-m",
        "addrtype",
        "--dst-type",
        "LOCAL",
        "-m",
        protocol,
        "--dport",
        String(port),
        "-j",
        "RETURN",
      ),
    ),
    rule("-m", "addrtype", "--dst-type", "LOCAL", "-j", "REJECT"),
  ];
}

/**
 * Where traffic from container bridges enters the chain: INPUT for what is
 * addressed to the host itself, and `forwardChain` (Docker's DOCKER-USER,
 * or FORWARD where Docker keeps none) for what the host would route on.
 */
export function isolationJumps(forwardChain: string): Rule[] {
  return ["INPUT", forwardChain].flatMap((chain) =>
    CONTAINER_BRIDGES.map((bridge) => ({ chain, spec: ["-i", bridge, "-j", ISOLATION_CHAIN] })),
  );
}

/** The chain's whole content as `iptables-restore --noflush` input: declaring the chain empties it, so it is replaced at once. */
export function isolationChainRuleset(family: IpFamily, allowed: AllowedHostPort[]): string {
  const lines = isolationChainRules(family, allowed).map(({ chain, spec }) => `-A ${chain} ${spec.join(" ")}`);
  return ["*filter", `:${ISOLATION_CHAIN} - [0:0]`, ...lines, "COMMIT", ""].join("\n");
}

/** Parses `53/udp,8053/tcp` (a bare port is tcp). */
export function parseAllowedHostPorts(raw: string): AllowedHostPort[] {
  return raw
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const match = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(item);
      const port = Number(match?.[1]);
      if (!match || port < 1 || port > 65535)
        throw new Error(`configuration: BERTH_HOST_FIREWALL_ALLOWED_PORTS entry ${item} is not a port like 53/udp`);
      return { port, protocol: (match[2] ?? "tcp") as "tcp" | "udp" };
    });
}
