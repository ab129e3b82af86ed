import type { ProjectQuota } from "../store/quotas.ts";
import { QUOTA_RESOURCES, type QuotaLimits, USAGE_FIELD } from "./limits.ts";

/** A project's limits with what it uses, as Zun's `?usages=true` shows them (cpu in cores). */
export function limitsWithUsage(limits: QuotaLimits, quota: ProjectQuota) {
  return Object.fromEntries(
    QUOTA_RESOURCES.map((resource) => {
      const used = quota.usage[USAGE_FIELD[resource]];
      return [resource, { limit: limits[resource], in_use: resource === "cpu" ? used / 1000 : used }];
    }),
  );
}
