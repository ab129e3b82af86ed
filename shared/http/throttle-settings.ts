import { positiveNumber } from "../env-values.ts";

/** How many requests of each kind one project may make in one fixed window. */
export interface ThrottleSettings {
  windowSeconds: number;
  reads: number;
  writes: number;
}

/** A read looks (GET, HEAD); everything else is a write. */
export type RequestKind = "read" | "write";

/**
 * Reads the per-project throttle: by default 6,000 reads and 1,200 writes a
 * minute (100 and 20 a second, sustained), well above what one client of a
 * project does and below what one tenant could use to crowd out the others.
 */
export function readThrottleSettings(env: NodeJS.ProcessEnv): ThrottleSettings {
  return {
    windowSeconds: Math.ceil(positiveNumber(env, "BERTH_THROTTLE_WINDOW_SECONDS", 60)),
    reads: Math.floor(positiveNumber(env, "BERTH_THROTTLE_READS", 6000)),
    writes: Math.floor(positiveNumber(env, "BERTH_THROTTLE_WRITES", 1200)),
  };
}

export function requestKindOf(method: string | undefined): RequestKind {
  const verb = (method ?? "GET").toUpperCase();
  return verb === "GET" || verb === "HEAD" ? "read" : "write";
}
