import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";

/** Where one ordered walk of an index starts and which way it goes. */
export interface IndexWalk {
  index: string;
  partition: { name: string; value: string };
  ascending: boolean;
  /** The key of the item to start after (its table and index keys), or none to start at the end given by `ascending`. */
  after?: Record<string, string>;
  /** Items read per request: what one page of the caller's is likely to need. */
  batch: number;
}

/**
 * The items of one index partition in order, read `batch` at a time and only
 * as far as the caller goes: a page of a long listing costs about a page of
 * reads, not the whole partition.
 */
export async function* walkIndex<T>(db: DynamoDBDocumentClient, table: string, walk: IndexWalk): AsyncGenerator<T> {
  let startKey: Record<string, unknown> | undefined = walk.after;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table,
        IndexName: walk.index,
        KeyConditionExpression: "#key = :key",
        ExpressionAttributeNames: { "#key": walk.partition.name },
        ExpressionAttributeValues: { ":key": walk.partition.value },
        ScanIndexForward: walk.ascending,
        Limit: walk.batch,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) yield item as T;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
