import { ForbiddenError } from "../errors.ts";
import type { Claim } from "../model/container.ts";

/** Quota resources and their units: containers (count), cpu (cores), memory (MiB), disk (GiB). −1 is unlimited. */
export const QUOTA_RESOURCES = ["containers", "cpu", "memory", "disk"] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];
export type QuotaLimits = Record<QuotaResource, number>;

export const UNLIMITED = -1;

/** Zun's defaults. */
export const BUILT_IN_DEFAULTS: QuotaLimits = { containers: 40, cpu: 20, memory: 51200, disk: 100 };

/** What a project has claimed, in the units quotas are checked in (cpu in millicores). */
export interface QuotaUsage {
  containers: number;
  cpuMillis: number;
  memory: number;
  disk: number;
}

export const NO_USAGE: QuotaUsage = { containers: 0, cpuMillis: 0, memory: 0, disk: 0 };

/** The usage a claim adds: one container's, or a capsule's containers'. */
export function usageOf(claim: Claim, containers = claim.containers ?? 1): QuotaUsage {
  return { containers, cpuMillis: claim.cpuMillis, memory: claim.memory, disk: claim.disk };
}

/** What a record on no host holds: one container, nothing else. */
export const ONE_CONTAINER: QuotaUsage = { containers: 1, cpuMillis: 0, memory: 0, disk: 0 };

/** Each resource's limit in usage units (cpu in millicores), or UNLIMITED. */
export function limitInUsageUnits(limits: QuotaLimits, resource: QuotaResource): number {
  const limit = limits[resource];
  if (limit === UNLIMITED) return UNLIMITED;
  return resource === "cpu" ? Math.round(limit * 1000) : limit;
}

export const USAGE_FIELD: Record<QuotaResource, keyof QuotaUsage> = {
  containers: "containers",
  cpu: "cpuMillis",
  memory: "memory",
  disk: "disk",
};

export class QuotaExceededError extends ForbiddenError {
  constructor(
    readonly resource: QuotaResource,
    need: number,
    inUse: number,
    limit: number,
  ) {
    super(
      `Quota exceeded for ${resource}: need ${show(resource, need)}, ${show(resource, inUse)} in use, limit ${show(resource, limit)}.`,
    );
  }
}

/** Throws a 403 naming the first resource the extra usage would take over its limit. */
export function assertWithinQuota(limits: QuotaLimits, usage: QuotaUsage, extra: QuotaUsage): void {
  for (const resource of QUOTA_RESOURCES) {
    const limit = limitInUsageUnits(limits, resource);
    const field = USAGE_FIELD[resource];
    if (limit !== UNLIMITED && extra[field] > 0 && usage[field] + extra[field] > limit) {
      throw new QuotaExceededError(resource, extra[field], usage[field], limit);
    }
  }
}

function show(resource: QuotaResource, amount: number): string {
  if (resource === "cpu") return `${amount / 1000}`;
  if (resource === "memory") return `${amount} MiB`;
  if (resource === "disk") return `${amount} GiB`;
  return String(amount);
}
