import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { ServerlessConfig } from "./serverless-config.ts";

/** What CloudFormation would answer for `Ref` and `Fn::GetAtt` of each provisioned resource. */
export type ProvisionedResources = Record<string, { ref: string; attributes: Record<string, string> }>;

/**
 * Creates serverless.yml's tables and queues on the emulators (or any endpoint),
 * leaving existing ones as they are.
 */
export async function provisionResources(
  config: ServerlessConfig,
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient },
): Promise<ProvisionedResources> {
  const provisioned: ProvisionedResources = {};
  for (const [logicalId, resource] of Object.entries(config.resources)) {
    if (resource.Type === "AWS::DynamoDB::Table") {
      const name = await createTable(clients.dynamodb, resource.Properties);
      const described = await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }));
      provisioned[logicalId] = { ref: name, attributes: { Arn: described.Table?.TableArn ?? name } };
    } else if (resource.Type === "AWS::SQS::Queue") {
      const { QueueName, ...properties } = resource.Properties;
      const attributes = Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [
          key,
          typeof value === "string" ? value : JSON.stringify(value),
        ]),
      );
      const created = await clients.sqs.send(new CreateQueueCommand({ QueueName, Attributes: attributes }));
      const arn = await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ["QueueArn"] }),
      );
      provisioned[logicalId] = {
        ref: created.QueueUrl!,
        attributes: { Arn: arn.Attributes!.QueueArn!, QueueName, QueueUrl: created.QueueUrl! },
      };
    }
  }
  return provisioned;
}

async function createTable(dynamodb: DynamoDBClient, properties: Record<string, any>): Promise<string> {
  const { TableName, BillingMode, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes } = properties;
  try {
    await dynamodb.send(
      new CreateTableCommand({ TableName, BillingMode, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  return TableName;
}

/** Variables of serverless.yml's environment that name what the local stack serves itself, not what it provisions. */
const SERVED_LOCALLY = new Set(["BERTH_WEBSOCKET_URL", "BERTH_WEBSOCKET_MANAGEMENT_URL"]);

/** serverless.yml's environment without what the local stack serves itself (the WebSocket API's URLs). */
export function provisionedEnvironment(environment: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(environment).filter(([name]) => !SERVED_LOCALLY.has(name)));
}

/**
 * Resolves `Ref` / `Fn::GetAtt` in serverless.yml's environment against what
 * was provisioned. A literal value there is a default: locally, a value the
 * `outside` environment sets wins (on AWS the deployed value is the truth).
 * References never yield, so functions always use the resources provisioned.
 */
export function resolveEnvironment(
  environment: Record<string, unknown>,
  provisioned: ProvisionedResources,
  outside: NodeJS.ProcessEnv = {},
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (typeof value === "string") result[name] = outside[name] || value;
    else if (value && typeof value === "object" && "Ref" in value)
      result[name] = lookup(provisioned, String(value.Ref)).ref;
    else if (value && typeof value === "object" && "Fn::GetAtt" in value) {
      const [logicalId, attribute] = value["Fn::GetAtt"] as [string, string];
      const resolved = lookup(provisioned, logicalId).attributes[attribute];
      if (!resolved) throw new Error(`serverless.yml: the local stack has no ${attribute} for ${logicalId}`);
      result[name] = resolved;
    } else throw new Error(`serverless.yml: the local stack cannot resolve environment ${name}`);
  }
  return result;
}

function lookup(provisioned: ProvisionedResources, logicalId: string) {
  const found = provisioned[logicalId];
  if (!found) throw new Error(`serverless.yml: ${logicalId} is not a resource the local stack provisioned`);
  return found;
}
