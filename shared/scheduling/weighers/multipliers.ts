import type { Multipliers } from "./weigher-names.ts";
import { WEIGHER_NAMES } from "./weigher-names.ts";

/** The environment variable that sets a weigher's multiplier: BERTH_WEIGHER_FREE_MEMORY_MULTIPLIER, … */
export function multiplierVariable(name: string): string {
  return `BERTH_WEIGHER_${name.toUpperCase()}_MULTIPLIER`;
}

/**
 * The deployment's weigher multipliers, over every strategy's preset: any
 * finite number (negative prefers less of the weigher's quantity, 0 turns it
 * off). Unset ones keep the preset's.
 */
export function readWeigherMultipliers(env: NodeJS.ProcessEnv): Partial<Multipliers> {
  const multipliers: Partial<Record<keyof Multipliers, number>> = {};
  for (const name of WEIGHER_NAMES) {
    const variable = multiplierVariable(name);
    const raw = env[variable];
    if (raw === undefined || raw === "") continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`configuration: ${variable} must be a number, got ${raw}`);
    multipliers[name] = value;
  }
  return multipliers;
}
