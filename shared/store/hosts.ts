import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { HostRecord, UnknownDockerThing } from "../model/host.ts";
import { counterCorrection } from "./counter-correction.ts";
import { GSI1, keys } from "./keys.ts";
import { queryAll } from "./query-all.ts";
import { appliedIfConditionHolds } from "./transactions.ts";
import { updateExpression } from "./update-expression.ts";

/** What Berth has claimed on a host: the counters every claim and release moves. */
export type HostUsage = Pick<HostRecord, "cpu_used_millis" | "mem_used" | "disk_used" | "total_containers"> & {
  ports_used: number;
};

export const NO_HOST_USAGE: HostUsage = {
  cpu_used_millis: 0,
  mem_used: 0,
  disk_used: 0,
  total_containers: 0,
  ports_used: 0,
};

export function hostUsageOf(host: HostRecord): HostUsage {
  return {
    cpu_used_millis: host.cpu_used_millis,
    mem_used: host.mem_used,
    disk_used: host.disk_used,
    total_containers: host.total_containers,
    ports_used: host.ports_used ?? 0,
  };
}

/** What an agent reports about its host at registration. */
export type HostInventory = Omit<
  HostRecord,
  | "cpu_used_millis"
  | "mem_used"
  | "disk_used"
  | "total_containers"
  | "ports_used"
  | "pinned_cores"
  | "enabled"
  | "disabled_reason"
  | "heartbeat_at"
  | "state"
  | "registered_at"
  | "unknown_containers"
  | "unknown_container_count"
  | "unknown_volumes"
  | "unknown_volume_count"
>;

export class HostStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Creates or refreshes a host's inventory without touching what is claimed on it. */
  async register(inventory: HostInventory, now = Date.now()): Promise<void> {
    const fields: Record<string, unknown> = {
      ...inventory,
      ...keys.hostInList(inventory.hostname, inventory.id),
      heartbeat_at: now,
    };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ":zero": 0,
      ":true": true,
      ":null": null,
      ":now": new Date(now).toISOString(),
    };
    const sets = Object.entries(fields).map(([field, value], index) => {
      names[`#f${index}`] = field;
      values[`:v${index}`] = value;
      return `#f${index} = :v${index}`;
    });
    for (const counter of ["cpu_used_millis", "mem_used", "disk_used", "total_containers", "ports_used"]) {
      sets.push(`${counter} = if_not_exists(${counter}, :zero)`);
    }
    sets.push(
      "enabled = if_not_exists(enabled, :true)",
      "disabled_reason = if_not_exists(disabled_reason, :null)",
      "registered_at = if_not_exists(registered_at, :now)",
    );
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.host(inventory.id),
        UpdateExpression: `SET ${sets.join(", ")}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Claims an existing host's id for one agent, once: true for the first
   * `claimer` while the host exists (and for that claimer again, should it
   * have stopped before keeping the id), false for every other one and for a
   * host never registered. For agents taking over the id their engine's host
   * was registered under before ids were kept per agent.
   */
  async claimIdentity(hostId: string, claimer: string): Promise<boolean> {
    return appliedIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.table,
        Key: keys.host(hostId),
        UpdateExpression: "SET identity_claimed_by = :claimer",
        ConditionExpression:
          "attribute_exists(pk) AND (attribute_not_exists(identity_claimed_by) OR identity_claimed_by = :claimer)",
        ExpressionAttributeValues: { ":claimer": claimer },
      }),
    );
  }

  async heartbeat(hostId: string, now = Date.now()): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.host(hostId),
        UpdateExpression: "SET heartbeat_at = :now",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":now": now },
      }),
    );
  }

  /** Records liveness, unless a heartbeat arrived since the caller looked. */
  async setState(hostId: string, state: "up" | "down", seenHeartbeatAt: number): Promise<boolean> {
    return appliedIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.table,
        Key: keys.host(hostId),
        UpdateExpression: "SET #state = :state",
        ConditionExpression: "heartbeat_at = :seen",
        ExpressionAttributeNames: { "#state": "state" },
        ExpressionAttributeValues: { ":state": state, ":seen": seenHeartbeatAt },
      }),
    );
  }

  /** An admin's switches: enabled (with a reason when disabled) and forced_down. */
  async setAdminState(
    hostId: string,
    changes: { enabled?: boolean; disabled_reason?: string | null; forced_down?: boolean },
  ): Promise<void> {
    const update = updateExpression(changes);
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.host(hostId),
        UpdateExpression: update.expression,
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: update.values,
      }),
    );
  }

  /** Forgets a host that holds no containers; returns false when it still holds some. */
  async remove(hostId: string): Promise<boolean> {
    return appliedIfConditionHolds(
      this.db,
      new DeleteCommand({
        TableName: this.table,
        Key: keys.host(hostId),
        ConditionExpression: "attribute_not_exists(pk) OR total_containers = :zero",
        ExpressionAttributeValues: { ":zero": 0 },
      }),
    );
  }

  /** Sets a host's claimed usage to what its records add up to, only if it still reads `observed`. */
  async correctUsage(hostId: string, observed: HostUsage, expected: HostUsage): Promise<boolean> {
    const attributes = Object.fromEntries(Object.keys(expected).map((field) => [field, field])) as Record<
      keyof HostUsage,
      string
    >;
    const correction = counterCorrection(attributes, observed, expected);
    return appliedIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.table,
        Key: keys.host(hostId),
        UpdateExpression: `SET ${correction.set}`,
        ConditionExpression: correction.condition,
        ExpressionAttributeValues: correction.values,
      }),
    );
  }

  /**
   * Sets a host's pinned cores to `expected`, only if they are still exactly
   * `observed` (the accounting audit's correction of cores no claim holds, or
   * a claim's cores the host lost).
   */
  async correctPinnedCores(hostId: string, observed: number[], expected: number[]): Promise<boolean> {
    return appliedIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.table,
        Key: keys.host(hostId),
        UpdateExpression: expected.length > 0 ? "SET pinned_cores = :expected" : "REMOVE pinned_cores",
        ConditionExpression: observed.length > 0 ? "pinned_cores = :observed" : "attribute_not_exists(pinned_cores)",
        ExpressionAttributeValues: {
          ...(expected.length > 0 ? { ":expected": new Set(expected) } : {}),
          ...(observed.length > 0 ? { ":observed": new Set(observed) } : {}),
        },
      }),
    );
  }

  /** A transaction item giving disk back to a host (a deleted volume's size). */
  releaseDiskItem(hostId: string, gib: number) {
    return {
      Update: {
        TableName: this.table,
        Key: keys.host(hostId),
        UpdateExpression: "ADD disk_used :disk",
        ExpressionAttributeValues: { ":disk": -gib },
      },
    };
  }

  /** Replaces the host's list of Docker containers or volumes Berth knows nothing of, and their count. */
  async recordUnknown(
    hostId: string,
    kind: "containers" | "volumes",
    entries: UnknownDockerThing[],
    count: number,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.host(hostId),
        UpdateExpression: "SET #list = :entries, #count = :count",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: {
          "#list": `unknown_${kind}`,
          "#count": kind === "containers" ? "unknown_container_count" : "unknown_volume_count",
        },
        ExpressionAttributeValues: { ":entries": entries, ":count": count },
      }),
    );
  }

  /** Replaces the host's list of its images and their platforms (see HostRecord.images). */
  async recordImages(hostId: string, images: Record<string, string>): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.host(hostId),
        UpdateExpression: "SET images = :images",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":images": images },
      }),
    );
  }

  async get(hostId: string): Promise<HostRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.host(hostId), ConsistentRead: true }),
    );
    return result.Item as HostRecord | undefined;
  }

  async list(): Promise<HostRecord[]> {
    return queryAll<HostRecord>(this.db, {
      TableName: this.table,
      IndexName: GSI1,
      KeyConditionExpression: "gsi1pk = :hosts",
      ExpressionAttributeValues: { ":hosts": keys.allHosts() },
    });
  }
}
