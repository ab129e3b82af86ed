import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { RegistryRecord } from "../model/registry.ts";
import { walkIndex } from "./index-pages.ts";
import { GSI1, keys } from "./keys.ts";

export class RegistryStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(registry: RegistryRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...registry,
          ...keys.registry(registry.uuid),
          gsi1pk: keys.projectRegistries(registry.project_id),
          gsi1sk: `${registry.created_at}#${registry.uuid}`,
        },
      }),
    );
  }

  async get(uuid: string): Promise<RegistryRecord | undefined> {
    return (
      await this.db.send(new GetCommand({ TableName: this.table, Key: keys.registry(uuid), ConsistentRead: true }))
    ).Item as RegistryRecord | undefined;
  }

  async listByProject(projectId: string): Promise<RegistryRecord[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI1,
        KeyConditionExpression: "gsi1pk = :p",
        ExpressionAttributeValues: { ":p": keys.projectRegistries(projectId) },
      }),
    );
    return (result.Items ?? []) as RegistryRecord[];
  }

  /**
   * One page of a project's registries in creation order, after `after` (the
   * last of the previous page): reads about `limit` items, not the project.
   */
  async page(
    projectId: string,
    options: { after?: RegistryRecord; limit: number },
  ): Promise<{ registries: RegistryRecord[]; more: boolean }> {
    const after = options.after && {
      ...keys.registry(options.after.uuid),
      gsi1pk: keys.projectRegistries(projectId),
      gsi1sk: `${options.after.created_at}#${options.after.uuid}`,
    };
    const registries: RegistryRecord[] = [];
    for await (const registry of walkIndex<RegistryRecord>(this.db, this.table, {
      index: GSI1,
      partition: { name: "gsi1pk", value: keys.projectRegistries(projectId) },
      ascending: true,
      after,
      batch: options.limit + 1,
    })) {
      if (registries.length === options.limit) return { registries, more: true };
      registries.push(registry);
    }
    return { registries, more: false };
  }

  /** A project's registry by uuid, or by name when exactly one has it. */
  async find(projectId: string, uuidOrName: string): Promise<RegistryRecord | undefined> {
    const byUuid = await this.get(uuidOrName);
    if (byUuid?.project_id === projectId) return byUuid;
    const named = (await this.listByProject(projectId)).filter((registry) => registry.name === uuidOrName);
    return named.length === 1 ? named[0] : undefined;
  }

  async delete(uuid: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.registry(uuid) }));
  }
}
