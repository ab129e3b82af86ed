import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  applyHostFirewall,
  HostFirewallUnavailableError,
} from "../../../../agents/host-agent/firewall/host-firewall.ts";
import { systemIptables } from "../../../../agents/host-agent/firewall/iptables.ts";

describe("a host without iptables", () => {
  const path = process.env.PATH;
  beforeEach(() => {
    process.env.PATH = "/nonexistent";
  });
  afterEach(() => {
    process.env.PATH = path;
  });

  it("is told apart from a refused rule", async () => {
    await expect(systemIptables().run("ipv4", ["-S"])).rejects.toMatchObject({
      kind: "missing",
      message: "iptables is not installed",
    });
  });

  it("runs an agent with BERTH_HOST_FIREWALL=on, and refuses one with required", async () => {
    expect(await applyHostFirewall("on", [], systemIptables())).toBe("not installed");
    await expect(applyHostFirewall("required", [], systemIptables())).rejects.toThrow(HostFirewallUnavailableError);
  });
});
