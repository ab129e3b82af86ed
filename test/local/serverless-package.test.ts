import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServerlessConfig } from "../../local/serverless-config.ts";
import { allowedActions, functionRoles, resourcesOfType, statementsOf } from "../helpers/cloudformation-template.ts";
import {
  APP_CLIENT,
  DEPLOYER_ENV,
  ISSUER,
  loadServerlessConfigFunctions,
  runBundledListRegistries,
  SECRET_KEY_PARAMETER,
  serverless,
  unzippedBundle,
} from "../helpers/serverless-package.ts";

let packageDir: string;
let template: any;
beforeAll(() => {
  packageDir = mkdtempSync(join(tmpdir(), "berth-package-"));
  const packaged = serverless(["package", "--package", packageDir], DEPLOYER_ENV);
  if (packaged.status !== 0) throw new Error(`serverless package failed:\n${packaged.stdout}${packaged.stderr}`);
  template = JSON.parse(readFileSync(join(packageDir, "cloudformation-template-update-stack.json"), "utf8"));
}, 240_000);
afterAll(() => rmSync(packageDir, { recursive: true, force: true }));
describe("serverless package (osls, offline)", () => {
  it("declares the table with its index and the hosts' dead-letter queue", () => {
    const table = template.Resources.BerthTable.Properties;
    expect(table.TableName).toBe("berth-ci");
    expect(table.GlobalSecondaryIndexes.map((index: any) => index.IndexName)).toEqual(["gsi1", "gsi2", "gsi3", "gsi4"]);
    expect(template.Resources.HostDeadLetterQueue.Properties).toMatchObject({
      QueueName: "berth-ci-host-dlq.fifo",
      FifoQueue: true,
    });
  });

  it("declares every function on nodejs22.x with the routes the local stack serves", () => {
    const functions = resourcesOfType(template, "AWS::Lambda::Function");
    expect(functions.length).toBe(Object.keys(loadServerlessConfigFunctions()).length);
    for (const [, fn] of functions) expect(fn.Properties.Runtime).toBe("nodejs22.x");
    const routes = resourcesOfType(template, "AWS::ApiGatewayV2::Route");
    const onApi = (api: string) =>
      routes
        .filter(([, route]) => route.Properties.ApiId?.Ref === api)
        .map(([, route]) => route.Properties.RouteKey)
        .sort();
    const routeKeys = onApi("HttpApi");
    const localRoutes = loadServerlessConfig("ci", "us-east-1")
      .routes.map((route) => (route.method === "*" ? "$default" : `${route.method} ${route.path}`))
      .sort();
    expect(routeKeys).toEqual(localRoutes);
    // Interactive sessions: the WebSocket API's routes are the ones the local websocket gateway serves.
    expect(onApi("WebsocketsApi")).toEqual(
      loadServerlessConfig("ci", "us-east-1")
        .websocketRoutes.map((route) => route.route)
        .sort(),
    );
    expect(routes).toHaveLength(routeKeys.length + 3);
    expect(resourcesOfType(template, "AWS::Events::Rule")).toHaveLength(2);
    const [[, mapping]] = resourcesOfType(template, "AWS::Lambda::EventSourceMapping") as [[string, any]];
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { "Fn::GetAtt": ["HostDeadLetterQueue", "Arn"] },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });

  it("bundles each handler into a zip that Lambda can load", async () => {
    const unzipped = unzippedBundle("notFound");
    try {
      const module = await import(join(unzipped, "functions/http/not-found.mjs"));
      const response = await module.handler(
        { rawPath: "/nope", headers: {}, requestContext: { http: { method: "GET" }, domainName: "x" } },
        { functionName: "notFound" },
      );
      expect(response.statusCode).toBe(404);
      expect(JSON.parse(response.body).errors[0].detail).toBe("No route for GET /nope.");
    } finally {
      rmSync(unzipped, { recursive: true, force: true });
    }
  });

  it("verifies JWTs in every function: the issuer and its app client reach each one's environment", () => {
    for (const [name, fn] of resourcesOfType(template, "AWS::Lambda::Function")) {
      expect(fn.Properties.Environment.Variables, name).toMatchObject({
        BERTH_JWT_ISSUER: ISSUER,
        BERTH_JWT_AUDIENCE: APP_CLIENT,
      });
    }
  });

  it("carries no dev tokens and no secret: not the switch, not a map, not the sealing key itself", () => {
    for (const [name, fn] of resourcesOfType(template, "AWS::Lambda::Function")) {
      const variables = fn.Properties.Environment.Variables;
      expect(Object.keys(variables), name).not.toContain("BERTH_LOCAL_DEV_TOKENS");
      expect(Object.keys(variables), name).not.toContain("BERTH_DEV_TOKENS");
      expect(Object.keys(variables), name).not.toContain("BERTH_SECRET_KEY");
      expect(variables.BERTH_SECRET_KEY_PARAMETER, name).toBe(SECRET_KEY_PARAMETER);
    }
    const text = JSON.stringify(template);
    expect(text).not.toContain("stray-dev-token");
    expect(text).not.toContain("berth-dev-");
  });

  it("gives every function a role of its own, and makes no shared one", () => {
    const functions = resourcesOfType(template, "AWS::Lambda::Function");
    const roleIds = functions.map(([, fn]) => fn.Properties.Role["Fn::GetAtt"][0]);
    expect(new Set(roleIds).size).toBe(functions.length);
    for (const id of roleIds) expect(template.Resources[id].Type).toBe("AWS::IAM::Role");
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    expect(functionRoles(template)).toHaveLength(functions.length);
  });

  it("grants no function DynamoDB or SQS on every resource, nor every index or every action", () => {
    for (const [name, statement] of functionRoles(template).flatMap(([name, role]) =>
      statementsOf(role).map((s) => [name, s]),
    )) {
      if (statement.Effect !== "Allow") continue;
      const actions: string[] = [statement.Action].flat();
      if (!actions.some((action) => /^(dynamodb|sqs):/.test(action))) continue;
      expect(actions, name).not.toContain("dynamodb:*");
      expect(actions, name).not.toContain("sqs:*");
      expect([statement.Resource].flat(), name).not.toContain("*");
      expect(JSON.stringify(statement.Resource), name).not.toContain("index/*");
      expect(JSON.stringify(statement.Resource), name).not.toMatch(/"\*"/);
    }
  });

  it("gives each function only what it touches: none for version discovery, no writes for a list, the dead letters to one", () => {
    expect(allowedActions(template, "Versions")).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(allowedActions(template, "IssueIdentityToken")).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    // A list writes nothing but its project's request counter (see the throttling test below).
    expect(allowedActions(template, "ListContainers")).toEqual([
      "dynamodb:GetItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]);
    expect(allowedActions(template, "CreateContainer")).toContain("sqs:SendMessage");
    expect(allowedActions(template, "ShowRegistry")).not.toContain("dynamodb:PutItem");
    const consumers = functionRoles(template).filter(([, role]) => JSON.stringify(role).includes("sqs:ReceiveMessage"));
    expect(consumers.map(([name]) => name)).toEqual(["DeadLettersLambdaRole"]);
    const relays = functionRoles(template).filter(([, role]) =>
      JSON.stringify(role).includes("execute-api:ManageConnections"),
    );
    expect(relays.map(([name]) => name).sort()).toEqual(["SessionDisconnectLambdaRole", "SessionRelayLambdaRole"]);
    // Indexes by name: the reconciler reads the overdue index, a list of containers does not.
    expect(JSON.stringify(template.Resources.ReconcileLambdaRole)).toContain('"gsi4"');
    expect(JSON.stringify(template.Resources.ListContainersLambdaRole)).not.toContain('"gsi4"');
    // Senders reach the hosts' queues by prefix and are denied the dead-letter queue.
    const sender = statementsOf(template.Resources.CreateContainerLambdaRole);
    expect(JSON.stringify(sender)).toContain("berth-ci-host-*");
    expect(sender).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Resource: [{ "Fn::GetAtt": ["HostDeadLetterQueue", "Arn"] }] }),
    );
  });

  it("lets every function that authenticates count its project's requests, and only in the counters' items", () => {
    const authenticating = functionRoles(template).filter(([, role]) =>
      JSON.stringify(role).includes("dynamodb:GetItem"),
    );
    expect(authenticating.length).toBeGreaterThan(30);
    for (const [name, role] of authenticating) {
      const counts = statementsOf(role).find(
        (statement) =>
          [statement.Action].flat().includes("dynamodb:UpdateItem") &&
          statement.Condition?.["ForAllValues:StringLike"]?.["dynamodb:LeadingKeys"],
      );
      if (JSON.stringify(role).includes("dynamodb:PutItem")) continue; // writers update any record anyway
      expect(counts?.Condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"], name).toEqual(["THROTTLE#*"]);
    }
  });

  it("gives Docker hosts a role of their own with only the agent's actions, and names its instance profile", () => {
    const role = template.Resources.HostAgentRole;
    expect(role.Type).toBe("AWS::IAM::Role");
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: ["ec2.amazonaws.com"] }, Action: ["sts:AssumeRole"] },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = statementsOf(role);
    const allowed = statements.filter((statement) => statement.Effect === "Allow");
    expect([...new Set(allowed.flatMap((statement) => [statement.Action].flat()))].sort()).toEqual([
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
      "kms:Decrypt",
      "sqs:ChangeMessageVisibility",
      "sqs:CreateQueue",
      "sqs:DeleteMessage",
      "sqs:GetQueueUrl",
      "sqs:ReceiveMessage",
      "sqs:SendMessage",
      "ssm:GetParameter",
    ]);
    for (const statement of allowed) {
      expect([statement.Resource].flat()).not.toContain("*");
      expect(JSON.stringify(statement.Resource)).not.toContain("index/*");
      if ([statement.Action].flat().some((action: string) => action.startsWith("sqs:")))
        expect(JSON.stringify(statement.Resource)).toContain("berth-ci-host-*");
      // Every table or index access is limited to the kinds of items an agent works with.
      if ([statement.Action].flat().some((action: string) => action.startsWith("dynamodb:"))) {
        const leading: string[] = statement.Condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"];
        expect(leading.length).toBeGreaterThan(0);
        for (const kind of ["QUOTA_CLASS#", "IDEMPOTENCY#", "CONNECTION#", "PROJECT#", "HOSTS", "PENDING"])
          expect(
            leading.some((pattern) => kind.startsWith(pattern.replace(/\*$/, ""))),
            kind,
          ).toBe(false);
      }
    }
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Resource: [{ "Fn::GetAtt": ["HostDeadLetterQueue", "Arn"] }] }),
    );
    expect(template.Resources.HostInstanceProfile.Properties.Roles).toEqual([{ Ref: "HostAgentRole" }]);
    expect(template.Outputs.HostInstanceProfileName.Value).toEqual({ Ref: "HostInstanceProfile" });
  });

  it("throttles the HTTP API's stage", () => {
    const settings = template.Resources.HttpApiStage.Properties.DefaultRouteSettings;
    expect(settings.ThrottlingBurstLimit).toBeGreaterThan(0);
    expect(settings.ThrottlingRateLimit).toBeGreaterThan(0);
  });

  it("a bundled handler in Lambda's environment refuses the README's dev tokens, and refuses to run with the switch on", () => {
    const asked = runBundledListRegistries(template, "berth-dev-admin", {});
    expect(asked.response.statusCode).toBe(401);
    expect(JSON.parse(asked.response.body).errors[0].detail).toBe("The token is not valid.");
    const switched = runBundledListRegistries(template, "berth-dev-admin", { BERTH_LOCAL_DEV_TOKENS: "1" });
    expect(switched.response.statusCode).toBe(500);
    expect(switched.logs).toMatch(/dev tokens are for the local stack only/);
  });

  it("lets only the registry writers and the hosts read the sealing key's one parameter, decrypted through SSM", () => {
    expect(template.Outputs.SecretKeyParameterName.Value).toBe(SECRET_KEY_PARAMETER);
    const readers = [
      ...functionRoles(template),
      ["HostAgentRole", template.Resources.HostAgentRole] as [string, any],
    ].filter(([, role]) => JSON.stringify(role).includes("ssm:GetParameter"));
    expect(readers.map(([name]) => name).sort()).toEqual([
      "CreateRegistryLambdaRole",
      "HostAgentRole",
      "UpdateRegistryLambdaRole",
    ]);
    for (const [name, role] of readers) {
      const statements = statementsOf(role);
      const read = statements.find((statement) => [statement.Action].flat().includes("ssm:GetParameter"));
      expect(JSON.stringify(read.Resource), name).toContain(`:parameter${SECRET_KEY_PARAMETER}`);
      const decrypt = statements.find((statement) => [statement.Action].flat().includes("kms:Decrypt"));
      expect(JSON.stringify(decrypt.Condition.StringEquals["kms:ViaService"]), name).toContain("ssm.");
      expect(JSON.stringify(decrypt.Condition.StringEquals["kms:EncryptionContext:PARAMETER_ARN"]), name).toContain(
        `:parameter${SECRET_KEY_PARAMETER}`,
      );
    }
  });

  it("with BERTH_IDENTITY_PROVIDER=cognito, makes a user pool with the project claim and the three role groups, and trusts it", () => {
    const printed = serverless(["print", "--format", "json"], {
      BERTH_IDENTITY_PROVIDER: "cognito",
    });
    expect(printed.status, printed.stdout + printed.stderr).toBe(0);
    const config = JSON.parse(printed.stdout.slice(printed.stdout.indexOf("{")));
    const resources = config.resources.Resources;
    const pool = Object.values<any>(resources).find((resource) => resource.Type === "AWS::Cognito::UserPool");
    expect(pool.Properties.Schema).toContainEqual(
      expect.objectContaining({ Name: "project_id", AttributeDataType: "String" }),
    );
    const groups = Object.values<any>(resources)
      .filter((resource) => resource.Type === "AWS::Cognito::UserPoolGroup")
      .map((group) => group.Properties.GroupName);
    expect(groups.sort()).toEqual(["admin", "member", "project_admin"]);
    const client = Object.values<any>(resources).find((resource) => resource.Type === "AWS::Cognito::UserPoolClient");
    expect(client.Properties.WriteAttributes ?? []).not.toContain("custom:project_id");
    const { BERTH_JWT_ISSUER, BERTH_JWT_AUDIENCE } = config.provider.environment;
    expect(JSON.stringify(BERTH_JWT_ISSUER)).toContain("UserPool");
    expect(JSON.stringify(BERTH_JWT_AUDIENCE)).toContain("UserPoolClient");
  }, 120_000);

  it("is CloudFormation that cfn-lint accepts", (context) => {
    const found = spawnSync("cfn-lint", ["--version"]).status === 0;
    if (!found) {
      if (process.env.BERTH_REQUIRE_CFN_LINT) throw new Error("cfn-lint is required here (pip install cfn-lint)");
      context.skip("cfn-lint is not installed (pip install cfn-lint)");
    }
    // W3005 is osls's own redundant DependsOn on HTTP API routes.
    const lint = spawnSync(
      "cfn-lint",
      ["--ignore-checks", "W3005", "--", join(packageDir, "cloudformation-template-update-stack.json")],
      { encoding: "utf8" },
    );
    expect(lint.stdout + lint.stderr).toBe("");
    expect(lint.status).toBe(0);
  });
});
