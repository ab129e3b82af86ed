import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { NameTakenError } from "../errors.ts";
import type { Claim, ContainerRecord } from "../containers/record.ts";
import type { Status } from "../containers/statuses.ts";
import type { HostRecord } from "../hosts/record.ts";
import type { ActionRecord } from "./actions.ts";
import { GSI1, keys } from "./keys.ts";
import { cancellationCodes, isConditionFailure } from "./transactions.ts";

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];

/** The outcome of trying to claim a host for a new container. */
export type ClaimOutcome = "placed" | "host_full" | "contention";

export class ContainerStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  /**
   * Stores a new container, its name, its create action and its claim on a host
   * in one transaction: either all of it happens or none of it does.
   */
  async createPlaced(record: ContainerRecord, host: HostRecord, action: ActionRecord): Promise<ClaimOutcome> {
    if (!record.claim || record.host_id !== host.id) throw new Error("createPlaced needs the record's claim and host");
    const items = [...this.newContainerItems(record, action), claimHost(this.table, host, record.claim)];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return "placed";
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes[1] === "ConditionalCheckFailed") throw new NameTakenError(record.name);
      if (codes[3] === "ConditionalCheckFailed") return "host_full";
      if (codes.includes("TransactionConflict")) return "contention";
      throw error;
    }
  }

  /** Stores a container that could not be placed (status Error), with its name and action. */
  async createUnplaced(record: ContainerRecord, action: ActionRecord): Promise<void> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: this.newContainerItems(record, action) }));
    } catch (error) {
      if (cancellationCodes(error)?.[1] === "ConditionalCheckFailed") throw new NameTakenError(record.name);
      throw error;
    }
  }

  async get(uuid: string): Promise<ContainerRecord | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.container(uuid), ConsistentRead: true }));
    return result.Item as ContainerRecord | undefined;
  }

  async findUuidByName(projectId: string, name: string): Promise<string | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.containerName(projectId, name), ConsistentRead: true }));
    return result.Item?.uuid as string | undefined;
  }

  async listByProject(projectId: string): Promise<ContainerRecord[]> {
    const containers: ContainerRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI1,
          KeyConditionExpression: "gsi1pk = :project",
          ExpressionAttributeValues: { ":project": keys.projectContainers(projectId) },
          ExclusiveStartKey: startKey,
        }),
      );
      containers.push(...((page.Items ?? []) as ContainerRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return containers;
  }

  /**
   * Accepts a user request: moves the container to its new state and bumps its
   * generation, only if it is still in one of `from` and no task is running,
   * and records the action in the same transaction. Returns false when the
   * container changed underneath (the caller re-reads and answers 409).
   */
  async beginRequest(
    record: ContainerRecord,
    from: Status[],
    changes: Partial<ContainerRecord>,
    action: ActionRecord,
  ): Promise<boolean> {
    const update = updateExpression({ ...changes, updated_at: new Date().toISOString() });
    const statusValues = Object.fromEntries(from.map((status, index) => [`:from${index}`, status]));
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.container(record.uuid),
                UpdateExpression: `${update.expression} ADD generation :one`,
                ConditionExpression: `generation = :generation AND attribute_type(task_state, :nullType) AND #status IN (${Object.keys(statusValues).join(", ")})`,
                ExpressionAttributeNames: { ...update.names, "#status": "status" },
                ExpressionAttributeValues: { ...update.values, ...statusValues, ":one": 1, ":generation": record.generation, ":nullType": "NULL" },
              },
            },
            { Put: { TableName: this.table, Item: action as unknown as Record<string, unknown>, ConditionExpression: "attribute_not_exists(pk)" } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)) return false;
      throw error;
    }
  }

  /**
   * Records what an operation did, only if no newer request has been accepted
   * since (the generation is unchanged). Returns false for a stale write.
   */
  async recordOutcome(uuid: string, generation: number, changes: Partial<ContainerRecord>): Promise<boolean> {
    const update = updateExpression({ ...changes, updated_at: new Date().toISOString() });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.container(uuid),
          UpdateExpression: update.expression,
          ConditionExpression: "generation = :generation",
          ExpressionAttributeNames: update.names,
          ExpressionAttributeValues: { ...update.values, ":generation": generation },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Removes a container record and its name, and returns its claim to the host,
   * in one transaction conditioned on the record still being at `generation`:
   * a duplicate or stale delete finds nothing to release, so a claim is released exactly once.
   */
  async removeAndRelease(record: ContainerRecord): Promise<boolean> {
    const items: TransactItem[] = [
      {
        Delete: {
          TableName: this.table,
          Key: keys.container(record.uuid),
          ConditionExpression: "generation = :generation",
          ExpressionAttributeValues: { ":generation": record.generation },
        },
      },
      { Delete: { TableName: this.table, Key: keys.containerName(record.project_id, record.name) } },
    ];
    if (record.host_id && record.claim) items.push(releaseHost(this.table, record.host_id, record.claim));
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === "ConditionalCheckFailed") return false;
      throw error;
    }
  }

  private newContainerItems(record: ContainerRecord, action: ActionRecord): TransactItem[] {
    return [
      {
        Put: {
          TableName: this.table,
          Item: { ...record, ...keys.container(record.uuid), ...keys.containerInProject(record.project_id, record.created_at, record.uuid) },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.containerName(record.project_id, record.name), uuid: record.uuid },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      { Put: { TableName: this.table, Item: action as unknown as Record<string, unknown>, ConditionExpression: "attribute_not_exists(pk)" } },
    ];
  }
}

/**
 * Adds a claim to a host only if it is enabled and every resource still fits.
 * DynamoDB conditions cannot add, so "used + claim <= total" is sent as
 * "total is still T and used <= T - claim".
 */
function claimHost(table: string, host: HostRecord, claim: Claim): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: keys.host(host.id),
      UpdateExpression: "ADD cpu_used_millis :cpu, mem_used :mem, disk_used :disk, total_containers :one",
      ConditionExpression:
        "enabled = :true AND cpu_total_millis = :cpuTotal AND cpu_used_millis <= :cpuRoom" +
        " AND mem_total = :memTotal AND mem_used <= :memRoom AND disk_total = :diskTotal AND disk_used <= :diskRoom",
      ExpressionAttributeValues: {
        ":cpu": claim.cpuMillis,
        ":mem": claim.memory,
        ":disk": claim.disk,
        ":one": 1,
        ":true": true,
        ":cpuTotal": host.cpu_total_millis,
        ":cpuRoom": host.cpu_total_millis - claim.cpuMillis,
        ":memTotal": host.mem_total,
        ":memRoom": host.mem_total - claim.memory,
        ":diskTotal": host.disk_total,
        ":diskRoom": host.disk_total - claim.disk,
      },
    },
  };
}

function releaseHost(table: string, hostId: string, claim: Claim): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: keys.host(hostId),
      UpdateExpression: "ADD cpu_used_millis :cpu, mem_used :mem, disk_used :disk, total_containers :minusOne",
      ExpressionAttributeValues: { ":cpu": -claim.cpuMillis, ":mem": -claim.memory, ":disk": -claim.disk, ":minusOne": -1 },
    },
  };
}

function updateExpression(changes: Record<string, unknown>): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(changes).map(([field, value], index) => {
    names[`#u${index}`] = field;
    values[`:u${index}`] = value ?? null;
    return `#u${index} = :u${index}`;
  });
  return { expression: `SET ${sets.join(", ")}`, names, values };
}
