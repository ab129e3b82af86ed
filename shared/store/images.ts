import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ImageRecord } from "../model/image.ts";
import { GSI2, keys } from "./keys.ts";
import { updateExpression } from "./update-expression.ts";

export class ImageStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(image: ImageRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...image,
          ...keys.image(image.uuid),
          gsi2pk: keys.allImages(),
          gsi2sk: `${image.created_at}#${image.uuid}`,
        },
      }),
    );
  }

  async get(uuid: string): Promise<ImageRecord | undefined> {
    return (await this.db.send(new GetCommand({ TableName: this.table, Key: keys.image(uuid), ConsistentRead: true })))
      .Item as ImageRecord | undefined;
  }

  async list(): Promise<ImageRecord[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI2,
        KeyConditionExpression: "gsi2pk = :all",
        ExpressionAttributeValues: { ":all": keys.allImages() },
      }),
    );
    return (result.Items ?? []) as ImageRecord[];
  }

  async update(uuid: string, changes: Partial<ImageRecord>): Promise<void> {
    const update = updateExpression({ ...changes, updated_at: new Date().toISOString() });
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.image(uuid),
        UpdateExpression: update.expression,
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: update.values,
      }),
    );
  }

  async delete(uuid: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.image(uuid) }));
  }
}
