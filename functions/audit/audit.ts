import { dependencies } from "../../shared/dependencies.ts";
import { log } from "../../shared/log.ts";
import { auditAccounting } from "../../shared/reconcile/audit-accounting.ts";

/**
 * The scheduled accounting audit: every host's claimed capacity and every
 * project's quota usage recomputed from the records, drift corrected and
 * logged. It reads every container and volume, so it runs far less often than
 * the reconcile function, whose reads stay with what changed.
 */
export const handler = async () => {
  const result = await auditAccounting(dependencies().stores);
  log(result.corrections.length > 0 ? "warn" : "info", "accounting audit", {
    hosts: result.hosts,
    projects: result.projects,
    corrections: result.corrections.length,
  });
  return result;
};
