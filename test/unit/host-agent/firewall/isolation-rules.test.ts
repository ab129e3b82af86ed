import { describe, expect, it } from "vitest";
import {
  isolationChainRules,
  isolationChainRuleset,
  isolationJumps,
  parseAllowedHostPorts,
} from "../../../../agents/host-agent/firewall/isolation-rules.ts";

const asLines = (rules: { chain: string; spec: string[] }[]) =>
  rules.map(({ chain, spec }) => `-A ${chain} ${spec.join(" ")}`);

describe("isolationChainRules", () => {
  it("lets replies through, then refuses the metadata address and every port of the host's own addresses", () => {
    expect(asLines(isolationChainRules("ipv4", []))).toEqual([
      "-A BERTH-ISOLATION -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
      "-A BERTH-ISOLATION -d 169.254.169.254/32 -j REJECT",
      "-A BERTH-ISOLATION -m addrtype --dst-type LOCAL -j REJECT",
    ]);
  });

  it("opens allowed host ports after the metadata refusal, so no setting opens the metadata address", () => {
    expect(asLines(isolationChainRules("ipv4", [{ port: 53, protocol: "udp" }]))).toEqual([
      "-A BERTH-ISOLATION -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
      "-A BERTH-ISOLATION -d 169.254.169.254/32 -j REJECT",
      "-A BERTH-ISOLATION -p udp -m addrtype --dst-type LOCAL -m udp --dport 53 -j RETURN",
      "-A BERTH-ISOLATION -m addrtype --dst-type LOCAL -j REJECT",
    ]);
  });

  it("on IPv6 refuses the IPv6 metadata address and keeps neighbour discovery working", () => {
    expect(asLines(isolationChainRules("ipv6", []))).toEqual([
      "-A BERTH-ISOLATION -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
      "-A BERTH-ISOLATION -p ipv6-icmp -j RETURN",
      "-A BERTH-ISOLATION -d fd00:ec2::254/128 -j REJECT",
      "-A BERTH-ISOLATION -m addrtype --dst-type LOCAL -j REJECT",
    ]);
  });
});

describe("isolationJumps", () => {
  it("send traffic from the default bridge and every user-defined bridge into the chain, to the host and forwarded", () => {
    expect(asLines(isolationJumps("DOCKER-USER"))).toEqual([
      "-A INPUT -i docker0 -j BERTH-ISOLATION",
      "-A INPUT -i br-+ -j BERTH-ISOLATION",
      "-A DOCKER-USER -i docker0 -j BERTH-ISOLATION",
      "-A DOCKER-USER -i br-+ -j BERTH-ISOLATION",
    ]);
  });
});

describe("isolationChainRuleset", () => {
  it("declares the chain, which empties it, then fills it in one transaction", () => {
    expect(isolationChainRuleset("ipv4", []).split("\n")).toEqual([
      "*filter",
      ":BERTH-ISOLATION - [0:0]",
      ...asLines(isolationChainRules("ipv4", [])),
      "COMMIT",
      "",
    ]);
  });
});

describe("parseAllowedHostPorts", () => {
  it("reads ports with their protocol, tcp when none is given", () => {
    expect(parseAllowedHostPorts(" 53/udp, 8053 ,")).toEqual([
      { port: 53, protocol: "udp" },
      { port: 8053, protocol: "tcp" },
    ]);
    expect(parseAllowedHostPorts("")).toEqual([]);
  });

  it.each(["0", "65536", "53/icmp", "a", "53/udp/x"])("refuses %s naming the setting", (raw) => {
    expect(() => parseAllowedHostPorts(raw)).toThrow(/BERTH_HOST_FIREWALL_ALLOWED_PORTS entry/);
  });
});
