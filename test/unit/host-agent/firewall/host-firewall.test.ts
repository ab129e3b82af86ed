import { describe, expect, it } from "vitest";
import { readAgentConfig } from "../../../../agents/host-agent/config.ts";
import {
  applyHostFirewall,
  HostFirewallUnavailableError,
  keepHostIsolation,
} from "../../../../agents/host-agent/firewall/host-firewall.ts";
import { type Iptables, IptablesError } from "../../../../agents/host-agent/firewall/iptables.ts";

/** An iptables that records what it was asked and fails the way a host without it (or without root) does. */
function fakeIptables(failure?: IptablesError): Iptables & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async run(family, args) {
      calls.push(`${family} ${args.join(" ")}`);
      if (failure) throw failure;
      // `-C` (is the jump there?) says no, like iptables does for a rule it lacks.
      if (args[0] === "-C") throw new IptablesError("failed", "Bad rule (does a matching rule exist in that chain?)");
      return "";
    },
    async restore(family, ruleset) {
      calls.push(`${family} restore ${ruleset.split("\n")[1]}`);
      if (failure) throw failure;
    },
  };
}

const missing = new IptablesError("missing", "iptables is not installed");
const denied = new IptablesError("denied", "iptables: Permission denied (you must be root)");

describe("applyHostFirewall", () => {
  it("installs both families, each jump once, where iptables works", async () => {
    const iptables = fakeIptables();
    expect(await applyHostFirewall("on", [], iptables)).toBe("installed");
    expect(iptables.calls.filter((call) => call.includes(" restore "))).toEqual([
      "ipv4 restore :BERTH-ISOLATION - [0:0]",
      "ipv6 restore :BERTH-ISOLATION - [0:0]",
    ]);
    expect(iptables.calls.filter((call) => call.includes(" -I ")).length).toBe(8);
  });

  it.each([missing, denied])(
    "on: starts without the rules when iptables cannot apply them ($kind)",
    async (failure) => {
      expect(await applyHostFirewall("on", [], fakeIptables(failure))).toBe("not installed");
    },
  );

  it.each([missing, denied])("required: refuses to start without the rules ($kind)", async (failure) => {
    const refused = applyHostFirewall("required", [], fakeIptables(failure));
    await expect(refused).rejects.toThrow(HostFirewallUnavailableError);
    await expect(refused).rejects.toThrow(/BERTH_HOST_FIREWALL=required/);
  });

  it("off: never touches the host's firewall", async () => {
    const iptables = fakeIptables();
    expect(await applyHostFirewall("off", [], iptables)).toBe("off");
    expect(iptables.calls).toEqual([]);
  });
});

describe("keepHostIsolation", () => {
  it("refreshes both families; a host that cannot keep its IPv4 rules says so, IPv6 alone does not", async () => {
    const iptables = fakeIptables();
    await keepHostIsolation([], iptables);
    expect(iptables.calls.filter((call) => call.includes(" restore "))).toHaveLength(2);
    await expect(keepHostIsolation([], fakeIptables(denied))).rejects.toThrow(/Permission denied/);
  });
});

const BASE = { BERTH_TABLE: "berth-unit", BERTH_QUEUE_PREFIX: "berth-unit" };

describe("BERTH_HOST_FIREWALL", () => {
  it("is on unless set, and anything but off, on or required is a configuration error", () => {
    expect(readAgentConfig(BASE).hostFirewall).toBe("on");
    expect(readAgentConfig({ ...BASE, BERTH_HOST_FIREWALL: "required" }).hostFirewall).toBe("required");
    expect(() => readAgentConfig({ ...BASE, BERTH_HOST_FIREWALL: "yes" })).toThrow(
      /BERTH_HOST_FIREWALL yes is not one of/,
    );
  });
});
