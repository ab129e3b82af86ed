import { dependencies } from "../../shared/dependencies.ts";
import { log } from "../../shared/log.ts";
import { type LivenessReport, reconcileHostLiveness } from "../../shared/reconcile/host-liveness.ts";
import { type OverdueReport, reconcileOverdueOperations } from "../../shared/reconcile/overdue-operations.ts";
import { meteredDocumentClient, ReadMeter } from "../../shared/store/read-meter.ts";
import { storesFor } from "../../shared/store/stores.ts";

export interface ReconcileReport extends LivenessReport {
  overdue: OverdueReport;
  /** What this run read from DynamoDB: it should grow with what changed, not with the table. */
  itemsRead: number;
  dynamodbRequests: number;
}

/**
 * The scheduled reconcile function: hosts that went down (their containers
 * evacuated) or came back, then work that stopped moving. It reads the hosts
 * and only the containers that can have changed: those of a host that just
 * went down, and those on the sparse overdue index.
 */
export const handler = async (): Promise<ReconcileReport> => {
  // Its own stores, over a client that counts what this run reads.
  const { config, sqs } = dependencies();
  const meter = new ReadMeter();
  const db = meteredDocumentClient(config, meter);
  const stores = storesFor(config, db);
  const context = { stores, sqs, config, now: Date.now() };
  try {
    const hosts = await stores.hosts.list();
    const liveness = await reconcileHostLiveness(hosts, context);
    const overdue = await reconcileOverdueOperations(new Map(hosts.map((host) => [host.id, host])), context);
    const report = { ...liveness, overdue, itemsRead: meter.itemsRead, dynamodbRequests: meter.requests };
    const changed =
      report.hostsMarkedDown +
      report.hostsMarkedUp +
      Object.values(report.containers).reduce((a, b) => a + b, 0) +
      overdue.resent +
      overdue.failed +
      overdue.evacuated;
    if (changed > 0) log("info", "reconcile: converged what had drifted", { ...report });
    return report;
  } finally {
    db.destroy();
  }
};
