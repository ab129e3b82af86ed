import { CreateQueueCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { HostStore } from "../../shared/store/hosts.ts";

/**
 * Registers `count` host items with no agent behind them, all sending their
 * work to one queue nobody reads: enough for placement, which only reads and
 * claims host items.
 */
export async function registerSimulatedHosts(
  hosts: HostStore,
  sqs: SQSClient,
  options: {
    count: number;
    prefix: string;
    cpus?: number;
    memoryMiB?: number;
    diskGiB?: number;
    concurrency?: number;
    labels?: (index: number) => Record<string, string>;
  },
): Promise<string[]> {
  const queue = await sqs.send(
    new CreateQueueCommand({ QueueName: `${options.prefix}-simulated.fifo`, Attributes: { FifoQueue: "true" } }),
  );
  const ids = Array.from(
    { length: options.count },
    (_, index) => `${options.prefix}-sim-${String(index).padStart(5, "0")}`,
  );
  const cpus = options.cpus ?? 8;
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const index = next++;
      await hosts.register({
        id: ids[index]!,
        hostname: ids[index]!,
        cpus,
        cpu_total_millis: cpus * 1000,
        mem_total: options.memoryMiB ?? 16384,
        disk_total: options.diskGiB ?? 500,
        architecture: "x86_64",
        os_type: "linux",
        os: "simulated",
        kernel_version: "0",
        labels: options.labels?.(index) ?? {},
        runtimes: ["runc"],
        availability_zone: "nova",
        queue_url: queue.QueueUrl!,
      });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return ids;
}
