import { statfs } from "node:fs/promises";
import { CreateQueueCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { hostQueueName } from "../../shared/queue/host-messages.ts";
import type { HostInventory, HostStore } from "../../shared/store/hosts.ts";
import type { AgentConfig } from "./config.ts";
import type { DockerPort } from "./docker/docker-port.ts";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/**
 * Registers this host (its id from hostIdentity) with its real capacity from `docker info`, creating its
 * FIFO work queue (redriving to the shared dead-letter queue) on first start.
 */
export async function registerHost(
  config: AgentConfig,
  id: string,
  docker: DockerPort,
  hosts: HostStore,
  sqs: SQSClient,
): Promise<HostInventory> {
  const info = await docker.info();
  const queueUrl = await ensureHostQueue(config, id, sqs);
  const inventory: HostInventory = {
    id,
    hostname: String(info.Name),
    cpus: Number(info.NCPU),
    cpu_total_millis: Math.floor(Number(info.NCPU) * 1000 * config.cpuAllocationRatio),
    mem_total: Math.floor(Number(info.MemTotal) / MIB),
    disk_total: Math.floor((await diskGiB(String(info.DockerRootDir ?? "/"))) * config.diskAllocationRatio),
    architecture: String(info.Architecture ?? "unknown"),
    os_type: String(info.OSType ?? "linux"),
    os: String(info.OperatingSystem ?? "unknown"),
    kernel_version: String(info.KernelVersion ?? "unknown"),
    labels: config.labels,
    runtimes: Object.keys(info.Runtimes ?? {}),
    availability_zone: config.availabilityZone,
    queue_url: queueUrl,
    port_range_start: config.hostPortRange[0],
    port_range_end: config.hostPortRange[1],
    ports_total: config.hostPortRange[1] - config.hostPortRange[0] + 1,
  };
  await hosts.register(inventory);
  return inventory;
}

async function ensureHostQueue(config: AgentConfig, hostId: string, sqs: SQSClient): Promise<string> {
  const attributes: Record<string, string> = {
    FifoQueue: "true",
    VisibilityTimeout: String(config.visibilitySeconds),
    MessageRetentionPeriod: String(14 * 24 * 3600),
  };
  if (config.hostDeadLetterQueueArn) {
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: config.hostDeadLetterQueueArn,
      maxReceiveCount: config.maxReceiveCount,
    });
  }
  const created = await sqs.send(
    new CreateQueueCommand({ QueueName: hostQueueName(config.queuePrefix, hostId), Attributes: attributes }),
  );
  return created.QueueUrl!;
}

async function diskGiB(path: string): Promise<number> {
  try {
    const stats = await statfs(path);
    return Math.max(1, Math.floor((stats.blocks * stats.bsize) / GIB));
  } catch {
    const stats = await statfs("/");
    return Math.max(1, Math.floor((stats.blocks * stats.bsize) / GIB));
  }
}
