import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { BerthConfig } from "../config.ts";

/** Counts what one piece of work read from DynamoDB: requests and the items they returned. */
export class ReadMeter {
  requests = 0;
  itemsRead = 0;

  count(output: { Item?: unknown; Items?: unknown[]; Responses?: Record<string, unknown[]> | unknown[] }): void {
    this.requests++;
    if (output.Item) this.itemsRead++;
    this.itemsRead += output.Items?.length ?? 0;
    if (output.Responses && !Array.isArray(output.Responses))
      for (const items of Object.values(output.Responses)) this.itemsRead += items.length;
  }
}

/** A document client of its own whose every response is counted by `meter` (the shared clients stay unmetered). */
export function meteredDocumentClient(
  config: Pick<BerthConfig, "region" | "dynamodbEndpoint">,
  meter: ReadMeter,
): DynamoDBDocumentClient {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: config.region, endpoint: config.dynamodbEndpoint, maxAttempts: 5 }),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      meter.count(result.output as Parameters<ReadMeter["count"]>[0]);
      return result;
    },
    { step: "initialize", name: "berthReadMeter" },
  );
  return client;
}
