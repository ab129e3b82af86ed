import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { VolumeRecord } from "../model/volume.ts";
import { GSI1, GSI2, keys } from "./keys.ts";
import { NamedTransaction, type TransactItem } from "./named-transaction.ts";
import { queryAll } from "./query-all.ts";
import type { TombstoneStore } from "./tombstones.ts";

/**
 * Berth volumes. Which containers use a volume is kept on the volume itself
 * (`attached`, a string set), changed in the same transactions that create and
 * delete those containers, so a volume in use cannot be deleted.
 */
export class VolumeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly tombstones: TombstoneStore,
  ) {}

  async get(uuid: string): Promise<(VolumeRecord & { attached?: Set<string> }) | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.volume(uuid), ConsistentRead: true }),
    );
    return result.Item as (VolumeRecord & { attached?: Set<string> }) | undefined;
  }

  async listByProject(projectId: string): Promise<Array<VolumeRecord & { attached?: Set<string> }>> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI1,
        KeyConditionExpression: "gsi1pk = :p",
        ExpressionAttributeValues: { ":p": keys.projectVolumes(projectId) },
      }),
    );
    return (result.Items ?? []) as Array<VolumeRecord & { attached?: Set<string> }>;
  }

  /** Every project's volumes (for the accounting audit). */
  listAll(): Promise<VolumeRecord[]> {
    return queryAll<VolumeRecord>(this.db, {
      TableName: this.table,
      IndexName: GSI2,
      KeyConditionExpression: "gsi2pk = :all",
      ExpressionAttributeValues: { ":all": keys.allVolumes() },
    });
  }

  /** Finds a project's volume by uuid, or by name when exactly one has it. */
  async find(projectId: string, uuidOrName: string): Promise<(VolumeRecord & { attached?: Set<string> }) | undefined> {
    const byUuid = await this.get(uuidOrName);
    if (byUuid?.project_id === projectId) return byUuid;
    const named = (await this.listByProject(projectId)).filter((volume) => volume.name === uuidOrName);
    return named.length === 1 ? named[0] : undefined;
  }

  /** Creates a volume's record, attached to the container that made it. */
  createItem(volume: VolumeRecord): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...volume,
          ...keys.volume(volume.uuid),
          gsi1pk: keys.projectVolumes(volume.project_id),
          gsi1sk: `${volume.created_at}#${volume.uuid}`,
          gsi2pk: keys.allVolumes(),
          gsi2sk: `${volume.created_at}#${volume.uuid}`,
          attached: new Set([volume.container_uuid!]),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
  }

  /** Attaches an existing volume to a container, if it still exists. */
  attachItem(volumeUuid: string, containerUuid: string): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: keys.volume(volumeUuid),
        UpdateExpression: "ADD attached :container",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":container": new Set([containerUuid]) },
      },
    };
  }

  /** Detaches a container from a volume it used; when it is the one that made the volume, the volume is now on its own. */
  detachItem(volumeUuid: string, containerUuid: string, options: { madeIt: boolean }): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: keys.volume(volumeUuid),
        UpdateExpression: options.madeIt
          ? "DELETE attached :container SET container_uuid = :none"
          : "DELETE attached :container",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: options.madeIt
          ? { ":container": new Set([containerUuid]), ":none": null }
          : { ":container": new Set([containerUuid]) },
      },
    };
  }

  /**
   * Deletes a volume no container uses, giving its size back to its host and
   * its project's quota in the same transaction. False when it is in use.
   */
  async deleteUnused(volume: VolumeRecord, releaseItems: TransactItem[]): Promise<boolean> {
    const [record, tombstone] = this.deleteItems(volume.uuid, volume.host_id);
    const cancelled = await new NamedTransaction<"volume" | "tombstone" | "release">()
      .add("volume", record!)
      .add("tombstone", tombstone!)
      .add("release", ...releaseItems)
      .send(this.db);
    if (!cancelled) return true;
    if (cancelled.failed("volume")) return false;
    throw cancelled.error;
  }

  /** Deletes a volume's record, only if no container uses it, leaving its tombstone: the record's delete comes first. */
  deleteItems(volumeUuid: string, hostId: string, exceptContainer?: string): TransactItem[] {
    return [this.deleteItem(volumeUuid, exceptContainer), this.tombstones.putItem("volume", volumeUuid, hostId)];
  }

  private deleteItem(volumeUuid: string, exceptContainer?: string): TransactItem {
    return {
      Delete: {
        TableName: this.table,
        Key: keys.volume(volumeUuid),
        ConditionExpression: exceptContainer
          ? "attribute_not_exists(attached) OR size(attached) = :zero OR (size(attached) = :one AND contains(attached, :container))"
          : "attribute_not_exists(attached) OR size(attached) = :zero",
        ExpressionAttributeValues: exceptContainer
          ? { ":zero": 0, ":one": 1, ":container": exceptContainer }
          : { ":zero": 0 },
      },
    };
  }
}
