import type { QueryHandler } from "./query-handler.ts";

const MIB = 1024 * 1024;

/** One stats sample with Zun's keys. */
export const stats: QueryHandler = async ({ docker, dockerId, record }) => {
  const sample = await docker.stats(dockerId);
  const cpuDelta = (sample.cpu_stats?.cpu_usage?.total_usage ?? 0) - (sample.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (sample.cpu_stats?.system_cpu_usage ?? 0) - (sample.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = sample.cpu_stats?.online_cpus ?? sample.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 1;
  const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const memUsage =
    (sample.memory_stats?.usage ?? 0) -
    (sample.memory_stats?.stats?.cache ?? sample.memory_stats?.stats?.inactive_file ?? 0);
  const memLimit = sample.memory_stats?.limit ?? 0;
  let blockRead = 0;
  let blockWrite = 0;
  for (const entry of sample.blkio_stats?.io_service_bytes_recursive ?? []) {
    if (/^read$/i.test(entry.op)) blockRead += entry.value;
    if (/^write$/i.test(entry.op)) blockWrite += entry.value;
  }
  let netRx = 0;
  let netTx = 0;
  for (const network of Object.values(sample.networks ?? {})) {
    netRx += network.rx_bytes ?? 0;
    netTx += network.tx_bytes ?? 0;
  }
  return {
    CONTAINER: record.name,
    "CPU %": round(cpuPercent),
    "MEM USAGE(MiB)": round(Math.max(0, memUsage) / MIB),
    "MEM LIMIT(MiB)": round(memLimit / MIB),
    "MEM %": memLimit > 0 ? round((Math.max(0, memUsage) / memLimit) * 100) : 0,
    "BLOCK I/O(B)": `${blockRead}/${blockWrite}`,
    "NET I/O(B)": `${netRx}/${netTx}`,
  };
};

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
