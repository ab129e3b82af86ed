import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

/** One IAM statement as serverless.yml declares it (intrinsics left as they are). */
export interface PolicyStatement {
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** What the proxy refused: the action, the table or index, and the partition keys it touched. */
export interface Denial {
  action: string;
  resource: string;
  leadingKeys: string[];
}

export interface HostPolicyProxy {
  endpoint: string;
  /** Every access it was asked for (each item of a transaction), allowed or not. */
  accesses: Denial[];
  denials: Denial[];
  stop(): Promise<void>;
}

/**
 * DynamoDB Local behind IAM as AWS would apply a role's DynamoDB statements:
 * each request (each item of a transaction) is allowed only when a statement
 * allows its action on its table or index and its `dynamodb:LeadingKeys`
 * condition holds; otherwise it gets AccessDeniedException and is recorded.
 * Only the statement forms Berth's host role uses are understood.
 */
export async function startHostPolicyProxy(target: string, statements: PolicyStatement[]): Promise<HostPolicyProxy> {
  const accesses: Denial[] = [];
  const denials: Denial[] = [];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const operation = String(request.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    const asked = accessesOf(operation, body ? JSON.parse(body) : {});
    accesses.push(...asked);
    const refused = asked.find((access) => !isAllowed(statements, access));
    if (refused) {
      denials.push(refused);
      return answer(response, 400, {
        __type: "com.amazonaws.dynamodb.v20120810#AccessDeniedException",
        message: `not authorized to perform ${refused.action} on ${refused.resource} for ${refused.leadingKeys.join(", ")}`,
      });
    }
    const forwarded = await fetch(`${target}${request.url ?? "/"}`, {
      method: request.method,
      headers: Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !["host", "content-length", "connection"].includes(name)),
      ) as Record<string, string>,
      body: body || undefined,
    });
    const headers = Object.fromEntries(
      [...forwarded.headers].filter(
        ([name]) => !["content-encoding", "content-length", "transfer-encoding"].includes(name),
      ),
    );
    response.writeHead(forwarded.status, headers);
    response.end(Buffer.from(await forwarded.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accesses,
    denials,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function accessesOf(operation: string, input: any): Denial[] {
  const itemAccess = (action: string, item: any): Denial => ({
    action: `dynamodb:${action}`,
    resource: "table",
    leadingKeys: [item?.pk?.S].filter(Boolean),
  });
  switch (operation) {
    case "GetItem":
    case "UpdateItem":
    case "DeleteItem":
      return [itemAccess(operation, input.Key)];
    case "PutItem":
      return [itemAccess(operation, input.Item)];
    case "TransactWriteItems":
      return input.TransactItems.map((entry: any) => {
        if (entry.Put) return itemAccess("PutItem", entry.Put.Item);
        if (entry.Update) return itemAccess("UpdateItem", entry.Update.Key);
        if (entry.Delete) return itemAccess("DeleteItem", entry.Delete.Key);
        return itemAccess("ConditionCheckItem", entry.ConditionCheck.Key);
      });
    case "Query": {
      const partition = input.IndexName ? `${input.IndexName}pk` : "pk";
      const names: Record<string, string> = input.ExpressionAttributeNames ?? {};
      const keys = [...String(input.KeyConditionExpression).matchAll(/([#\w]+)\s*=\s*(:\w+)/g)]
        .filter(([, name]) => (names[name!] ?? name) === partition)
        .map(([, , value]) => input.ExpressionAttributeValues?.[value!]?.S);
      return [
        {
          action: "dynamodb:Query",
          resource: input.IndexName ? `index/${input.IndexName}` : "table",
          leadingKeys: keys.filter(Boolean),
        },
      ];
    }
    default:
      return [{ action: `dynamodb:${operation}`, resource: "table", leadingKeys: [] }];
  }
}

function isAllowed(statements: PolicyStatement[], access: Denial): boolean {
  const applies = (statement: PolicyStatement) =>
    [statement.Action].flat().includes(access.action) && resourcesOf(statement).includes(access.resource);
  if (statements.some((statement) => statement.Effect === "Deny" && applies(statement))) return false;
  return statements.some(
    (statement) => statement.Effect === "Allow" && applies(statement) && conditionHolds(statement, access),
  );
}

/** "table" for the table's ARN, "index/<name>" for one of its indexes. */
function resourcesOf(statement: PolicyStatement): string[] {
  return [statement.Resource].flat().flatMap((resource: any) => {
    if (resource?.["Fn::GetAtt"]?.[0] === "BerthTable") return ["table"];
    const joined = resource?.["Fn::Join"];
    if (joined?.[0] === "/" && joined[1]?.[0]?.["Fn::GetAtt"]?.[0] === "BerthTable")
      return [joined[1].slice(1).join("/")];
    return [];
  });
}

function conditionHolds(statement: PolicyStatement, access: Denial): boolean {
  const patterns = statement.Condition?.["ForAllValues:StringLike"]?.["dynamodb:LeadingKeys"];
  if (patterns === undefined) return statement.Condition === undefined;
  const matchers = [patterns]
    .flat()
    .map((pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`));
  return access.leadingKeys.every((key) => matchers.some((matcher) => matcher.test(key)));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function answer(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
  response.end(JSON.stringify(body));
}
