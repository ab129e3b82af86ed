import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT, loadServerlessConfig } from "../../local/serverless-config.ts";

let packageDir: string;
let template: any;

beforeAll(() => {
  packageDir = mkdtempSync(join(tmpdir(), "berth-package-"));
  execFileSync(join(PROJECT_ROOT, "node_modules/.bin/serverless"), ["package", "--stage", "ci", "--package", packageDir], {
    cwd: PROJECT_ROOT,
    stdio: "pipe",
    env: { ...process.env, AWS_ACCESS_KEY_ID: "none", AWS_SECRET_ACCESS_KEY: "none" },
  });
  template = JSON.parse(readFileSync(join(packageDir, "cloudformation-template-update-stack.json"), "utf8"));
}, 120_000);
afterAll(() => rmSync(packageDir, { recursive: true, force: true }));

function loadServerlessConfigFunctions(): Record<string, unknown> {
  const names = new Set(loadServerlessConfig("ci", "us-east-1").routes.map((route) => route.functionName));
  for (const schedule of loadServerlessConfig("ci", "us-east-1").schedules) names.add(schedule.functionName);
  for (const consumer of loadServerlessConfig("ci", "us-east-1").queueConsumers) names.add(consumer.functionName);
  return Object.fromEntries([...names].map((name) => [name, true]));
}

function resourcesOfType(type: string): Array<[string, any]> {
  return Object.entries<any>(template.Resources).filter(([, resource]) => resource.Type === type);
}

describe("serverless package (osls, offline)", () => {
  it("declares the table with its index and the hosts' dead-letter queue", () => {
    const table = template.Resources.BerthTable.Properties;
    expect(table.TableName).toBe("berth-ci");
    expect(table.GlobalSecondaryIndexes.map((index: any) => index.IndexName)).toEqual(["gsi1", "gsi2", "gsi3", "gsi4"]);
    expect(template.Resources.HostDeadLetterQueue.Properties).toMatchObject({ QueueName: "berth-ci-host-dlq.fifo", FifoQueue: true });
  });

  it("declares every function on nodejs22.x with the routes the local stack serves", () => {
    const functions = resourcesOfType("AWS::Lambda::Function");
    expect(functions.length).toBe(Object.keys(loadServerlessConfigFunctions()).length);
    for (const [, fn] of functions) expect(fn.Properties.Runtime).toBe("nodejs22.x");
    const routeKeys = resourcesOfType("AWS::ApiGatewayV2::Route").map(([, route]) => route.Properties.RouteKey).sort();
    const localRoutes = loadServerlessConfig("ci", "us-east-1").routes.map((route) => (route.method === "*" ? "$default" : `${route.method} ${route.path}`)).sort();
    expect(routeKeys).toEqual(localRoutes);
    expect(resourcesOfType("AWS::Events::Rule")).toHaveLength(2);
    const [[, mapping]] = resourcesOfType("AWS::Lambda::EventSourceMapping") as [[string, any]];
    expect(mapping.Properties).toMatchObject({ EventSourceArn: { "Fn::GetAtt": ["HostDeadLetterQueue", "Arn"] }, FunctionResponseTypes: ["ReportBatchItemFailures"] });
  });

  it("bundles each handler into a zip that Lambda can load", async () => {
    const zip = join(PROJECT_ROOT, ".build", "notFound.zip");
    const unzipped = mkdtempSync(join(tmpdir(), "berth-unzip-"));
    try {
      execFileSync("python3", ["-m", "zipfile", "-e", zip, unzipped]);
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

  it("is CloudFormation that cfn-lint accepts", (context) => {
    const found = spawnSync("cfn-lint", ["--version"]).status === 0;
    if (!found) {
      if (process.env.BERTH_REQUIRE_CFN_LINT) throw new Error("cfn-lint is required here (pip install cfn-lint)");
      context.skip("cfn-lint is not installed (pip install cfn-lint)");
    }
    // W3005 is osls's own redundant DependsOn on HTTP API routes.
    const lint = spawnSync("cfn-lint", ["--ignore-checks", "W3005", "--", join(packageDir, "cloudformation-template-update-stack.json")], { encoding: "utf8" });
    expect(lint.stdout + lint.stderr).toBe("");
    expect(lint.status).toBe(0);
  });
});
