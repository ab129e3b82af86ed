import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { BerthConfig } from "../config.ts";

/** SDK clients, made once per endpoint and reused across invocations as Lambda allows. */
const documentClients = new Map<string, DynamoDBDocumentClient>();
const sqsClients = new Map<string, SQSClient>();
const ssmClients = new Map<string, SSMClient>();

export function documentClientFor(config: Pick<BerthConfig, "region" | "dynamodbEndpoint">): DynamoDBDocumentClient {
  const key = `${config.region}|${config.dynamodbEndpoint ?? ""}`;
  let client = documentClients.get(key);
  if (!client) {
    const base = new DynamoDBClient({ region: config.region, endpoint: config.dynamodbEndpoint, maxAttempts: 5 });
    client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
    documentClients.set(key, client);
  }
  return client;
}

export function sqsClientFor(config: Pick<BerthConfig, "region" | "sqsEndpoint">): SQSClient {
  const key = `${config.region}|${config.sqsEndpoint ?? ""}`;
  let client = sqsClients.get(key);
  if (!client) {
    client = new SQSClient({ region: config.region, endpoint: config.sqsEndpoint });
    sqsClients.set(key, client);
  }
  return client;
}

export function ssmClientFor(config: Pick<BerthConfig, "region" | "ssmEndpoint">): SSMClient {
  const key = `${config.region}|${config.ssmEndpoint ?? ""}`;
  let client = ssmClients.get(key);
  if (!client) {
    client = new SSMClient({ region: config.region, endpoint: config.ssmEndpoint });
    ssmClients.set(key, client);
  }
  return client;
}
