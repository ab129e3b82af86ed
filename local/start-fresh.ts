import { existsSync, rmSync } from "node:fs";
import {
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { DeleteQueueCommand, ListQueuesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import Docker from "dockerode";
import type { ServerlessConfig } from "./serverless-config.ts";

interface StageParts {
  tables: { name: string; items: number }[];
  queues: string[];
  stateDir: string | undefined;
  containers: string[];
  volumes: string[];
  networks: string[];
}

/**
 * `--fresh`: the stage starts empty on purpose. Everything it had goes — its
 * tables, its queues (the hosts' too) and their messages, its agents' state, and
 * the Docker containers, volumes (with their data) and networks it made — and
 * what goes is said first. Other stages in the same emulators are untouched.
 */
export async function forgetStage(
  config: ServerlessConfig,
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; docker?: Docker },
  stateDir: string,
  say: (line: string) => void,
): Promise<void> {
  const docker =
    clients.docker ?? new Docker({ socketPath: process.env.BERTH_DOCKER_SOCKET || "/var/run/docker.sock" });
  const parts = await findStageParts(config, clients.dynamodb, clients.sqs, docker, stateDir);
  say(describeRemoval(parts));
  for (const id of parts.containers) await docker.getContainer(id).remove({ force: true, v: false });
  for (const name of parts.volumes) await docker.getVolume(name).remove();
  for (const id of parts.networks) await docker.getNetwork(id).remove();
  for (const url of parts.queues) await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  for (const table of parts.tables) await clients.dynamodb.send(new DeleteTableCommand({ TableName: table.name }));
  if (parts.stateDir) rmSync(parts.stateDir, { recursive: true, force: true });
}

async function findStageParts(
  config: ServerlessConfig,
  dynamodb: DynamoDBClient,
  sqs: SQSClient,
  docker: Docker,
  stateDir: string,
): Promise<StageParts> {
  const declared = Object.values(config.resources);
  const tables: StageParts["tables"] = [];
  for (const resource of declared.filter((r) => r.Type === "AWS::DynamoDB::Table")) {
    try {
      const described = await dynamodb.send(new DescribeTableCommand({ TableName: resource.Properties.TableName }));
      tables.push({ name: resource.Properties.TableName, items: described.Table?.ItemCount ?? 0 });
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
  const queueNames = new Set(
    declared.filter((r) => r.Type === "AWS::SQS::Queue").map((r) => String(r.Properties.QueueName)),
  );
  const hostQueuePrefix = `${config.environment.BERTH_QUEUE_PREFIX}-host-`;
  const queues: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: String(config.environment.BERTH_QUEUE_PREFIX), NextToken }),
    );
    for (const url of page.QueueUrls ?? []) {
      const name = url.slice(url.lastIndexOf("/") + 1);
      if (queueNames.has(name) || name.startsWith(hostQueuePrefix)) queues.push(url);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  const label = { label: [`berth.deployment=${config.environment.BERTH_TABLE}`] };
  const containers = (await docker.listContainers({ all: true, filters: label })).map((c) => c.Id);
  const volumes = ((await docker.listVolumes({ filters: label })).Volumes ?? []).map((v) => v.Name);
  const networks = (await docker.listNetworks({ filters: label })).map((n) => n.Id);
  return { tables, queues, stateDir: existsSync(stateDir) ? stateDir : undefined, containers, volumes, networks };
}

function describeRemoval(parts: StageParts): string {
  const lines = [
    ...parts.tables.map((t) => `table ${t.name} (${t.items} items)`),
    parts.queues.length &&
      `${parts.queues.length} queues with their messages (${parts.queues.map((u) => u.slice(u.lastIndexOf("/") + 1)).join(", ")})`,
    parts.stateDir && `the host agents' state in ${parts.stateDir}`,
    parts.containers.length && `${parts.containers.length} Docker containers`,
    parts.volumes.length && `${parts.volumes.length} Docker volumes, with their data`,
    parts.networks.length && `${parts.networks.length} Docker networks`,
  ].filter(Boolean);
  return lines.length
    ? `--fresh: removing\n  ${lines.join("\n  ")}`
    : "--fresh: nothing to remove, the stage is already empty";
}
