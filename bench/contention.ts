import type { readConfig } from "../shared/config.ts";
import type { documentClientFor } from "../shared/store/clients.ts";
import { storesFor } from "../shared/store/stores.ts";
import { type countRequests, place, rawTransactionRate } from "./placement-load.ts";
import { percentile } from "./stats.ts";

export interface ContentionRow {
  clients: number;
  instances: "one" | "one per client";
  strategy: "binpack" | "spread";
  rate: number;
  requestsPerPlacement: number;
  cancelled: number;
  p90: number;
  hostsUsed: number;
  floor: number;
}

/**
 * Placement under contention at one host count: 16 to 256 concurrent clients,
 * all in one function instance (one snapshot, one contention window) or each
 * standing for an instance of its own, against the raw transaction rate at the
 * same concurrency. `hosts used` is how tightly the placements packed.
 */
export async function benchContention(
  config: ReturnType<typeof readConfig>,
  db: ReturnType<typeof documentClientFor>,
  requests: ReturnType<typeof countRequests>,
): Promise<ContentionRow[]> {
  const stores = storesFor(config);
  const rows: ContentionRow[] = [];
  const only = process.env.BENCH_CLIENTS?.split(",").map(Number);
  for (const clients of only ?? [16, 64, 256]) {
    const count = Math.max(400, clients * 4);
    const floor = await rawTransactionRate(db, config.tableName, count, clients);
    for (const instances of ["one", "one per client"] as const) {
      // An instance per client re-reads every host per instance: past 16 of them the emulator
      // spends minutes on snapshots alone (the host-state cost this table does not yet solve).
      if (instances === "one per client" && clients > 16) continue;
      for (const strategy of ["binpack", "spread"] as const) {
        const project = `bench-c${clients}-${instances === "one" ? "1" : "n"}-${strategy}`;
        await stores.quotas.putProject(project, { containers: -1, cpu: -1, memory: -1, disk: -1 });
        requests.reset();
        const started = performance.now();
        const latencies = await place(config, project, count, clients, instances, strategy);
        const seconds = (performance.now() - started) / 1000;
        const placed = await stores.containers.listByProject(project);
        rows.push({
          clients,
          instances,
          strategy,
          rate: count / seconds,
          requestsPerPlacement: requests.total() / count,
          cancelled: requests.cancelledShare(),
          p90: percentile(latencies, 0.9),
          hostsUsed: new Set(placed.map((container) => container.host_id)).size,
          floor,
        });
      }
    }
  }
  return rows;
}

export function printContention(rows: ContentionRow[], hostCount: number): void {
  if (rows.length === 0) return;
  console.log(`\nplacement under contention at ${hostCount} hosts (0.1 cpu each: 80 fit on a host)`);
  console.log(
    "  clients  instances       strategy  placements/s  req/placement  cancelled  p90 ms  hosts used  raw tx/s  rate/raw",
  );
  for (const row of rows)
    console.log(
      `  ${String(row.clients).padStart(7)}  ${row.instances.padEnd(14)}  ${row.strategy.padEnd(8)}  ${row.rate.toFixed(1).padStart(12)}  ${row.requestsPerPlacement.toFixed(2).padStart(13)}  ${(row.cancelled * 100).toFixed(1).padStart(8)}%  ${row.p90.toFixed(0).padStart(6)}  ${String(row.hostsUsed).padStart(10)}  ${row.floor.toFixed(1).padStart(8)}  ${(row.rate / row.floor).toFixed(2).padStart(7)}×`,
    );
}
