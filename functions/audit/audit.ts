import { readConfig } from "../../shared/config.ts";
import { log } from "../../shared/log.ts";
import { auditAccounting } from "../../shared/reconcile/audit-accounting.ts";
import { storesFor } from "../../shared/store/stores.ts";

/**
 * The scheduled accounting audit: every host's claimed capacity and every
 * project's quota usage recomputed from the records, drift corrected and
 * logged. It reads every container and volume, so it runs far less often than
 * the reconcile function, whose reads stay with what changed.
 */
export const handler = async () => {
  const result = await auditAccounting(storesFor(readConfig()));
  log(result.corrections.length > 0 ? "warn" : "info", "accounting audit", {
    hosts: result.hosts,
    projects: result.projects,
    corrections: result.corrections.length,
  });
  return result;
};
