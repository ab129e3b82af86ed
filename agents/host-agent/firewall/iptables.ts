import { execFile } from "node:child_process";
import type { IpFamily } from "./isolation-rules.ts";

/** The host's packet filter, one family at a time: the only way the agent's firewall code touches the host. */
export interface Iptables {
  /** Runs `iptables` (or `ip6tables`) with these arguments and returns what it printed. */
  run(family: IpFamily, args: string[]): Promise<string>;
  /** Feeds a ruleset to `iptables-restore --noflush`, which applies it in one transaction. */
  restore(family: IpFamily, ruleset: string): Promise<void>;
}

/** Why iptables could not do what was asked: not installed, not allowed (not root), or it refused the rule. */
export class IptablesError extends Error {
  constructor(
    readonly kind: "missing" | "denied" | "failed",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

const PROGRAMS: Record<IpFamily, { run: string; restore: string }> = {
  ipv4: { run: "iptables", restore: "iptables-restore" },
  ipv6: { run: "ip6tables", restore: "ip6tables-restore" },
};

/** The host's own iptables; each call waits up to 5 s for the xtables lock Docker also takes. */
export function systemIptables(timeoutMs = 15_000): Iptables {
  return {
    run: (family, args) => runProgram(PROGRAMS[family].run, ["-w", "5", ...args], undefined, timeoutMs),
    restore: async (family, ruleset) => {
      await runProgram(PROGRAMS[family].restore, ["-w", "5", "--noflush"], ruleset, timeoutMs);
    },
  };
}

function runProgram(program: string, args: string[], input: string | undefined, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(program, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const said = `${program} ${args.join(" ")}: ${String(stderr).trim() || error.message}`;
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        return reject(new IptablesError("missing", `${program} is not installed`, { cause: error }));
      if (/permission denied|must be root|operation not permitted/i.test(String(stderr)))
        return reject(new IptablesError("denied", said, { cause: error }));
      reject(new IptablesError("failed", said, { cause: error }));
    });
    child.stdin?.end(input);
  });
}
