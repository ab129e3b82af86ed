import type { Identity } from "../shared/auth/identity.ts";
import type { LocalStackOptions } from "./stack.ts";

/** `npm run dev`'s settings, from its environment and its arguments (`npm run dev -- --fresh`). */
export function readDevSettings(env: NodeJS.ProcessEnv, args: string[]): LocalStackOptions {
  const unknown = args.filter((arg) => arg !== "--fresh");
  if (unknown.length)
    throw new Error(`npm run dev: unknown argument ${unknown.join(" ")} (the one it takes is --fresh)`);
  const schedulePeriods: Record<string, number> = {};
  for (const [functionName, variable] of [
    ["reconcile", "BERTH_RECONCILE_EVERY_SECONDS"],
    ["audit", "BERTH_AUDIT_EVERY_SECONDS"],
  ] as const) {
    const raw = env[variable];
    if (raw === undefined || raw === "") continue;
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new Error(`configuration: ${variable} must be a number of seconds (0 turns it off), got ${raw}`);
    schedulePeriods[functionName] = seconds;
  }
  return {
    stage: env.BERTH_STAGE || "dev",
    port: Number(env.BERTH_PORT || 8080),
    agents: Number(env.BERTH_AGENTS || 1),
    fresh: args.includes("--fresh"),
    schedulePeriods,
  };
}

/** The banner's lines about tokens: the ones the functions really accept, not the defaults. */
export function describeDevTokens(tokens: ReadonlyMap<string, Identity> | Record<string, Identity>): {
  example: string | undefined;
  lines: string[];
} {
  const entries = tokens instanceof Map ? [...tokens] : Object.entries(tokens as Record<string, Identity>);
  const admin = entries.find(([, identity]) => identity.roles.includes("admin"));
  const member = entries.find(([, identity]) => !identity.roles.includes("admin"));
  if (!admin && !member)
    return { example: undefined, lines: ["Dev tokens: none (BERTH_JWT_ISSUER is set: use a JWT from it)"] };
  const lines = [admin, member]
    .filter((entry): entry is [string, Identity] => entry !== undefined)
    .map(
      ([token, identity]) =>
        `${token}   (${identity.roles.includes("admin") ? "admin" : "member"} of project "${identity.projectId}")`,
    );
  if (entries.length > lines.length) lines.push(`and ${entries.length - lines.length} more from BERTH_DEV_TOKENS`);
  return { example: (admin ?? member)![0], lines };
}
