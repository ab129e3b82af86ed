import { describe, expect, it } from "vitest";
import { matchRoute } from "../../../local/gateway.ts";
import { loadServerlessConfig } from "../../../local/serverless-config.ts";

describe("the local stack's reading of serverless.yml", () => {
  const config = loadServerlessConfig("qa", "eu-west-1");

  it("resolves names for the stage", () => {
    expect(config.resources.BerthTable!.Properties.TableName).toBe("berth-qa");
    expect(config.environment.BERTH_QUEUE_PREFIX).toBe("berth-qa");
  });

  it("finds the routes, the schedules and the queue consumers", () => {
    expect(config.routes.find((route) => route.functionName === "createContainer")).toMatchObject({
      method: "POST",
      path: "/v1/containers",
    });
    expect(config.schedules).toEqual([
      { functionName: "reconcile", handler: "functions/reconcile/reconcile.handler", everySeconds: 60 },
      { functionName: "audit", handler: "functions/audit/audit.handler", everySeconds: 3600 },
    ]);
    expect(config.queueConsumers).toEqual([
      {
        functionName: "deadLetters",
        handler: "functions/dead-letters/dead-letters.handler",
        queue: "HostDeadLetterQueue",
        batchSize: 10,
      },
    ]);
  });

  it("matches routes as API Gateway does", () => {
    expect(matchRoute(config.routes, "GET", "/v1/containers/abc")).toMatchObject({
      route: { functionName: "showContainer" },
      parameters: { id: "abc" },
    });
    expect(matchRoute(config.routes, "POST", "/v1/containers/abc/stop")).toMatchObject({
      route: { functionName: "actOnContainer" },
      parameters: { id: "abc", action: "stop" },
    });
    expect(matchRoute(config.routes, "PUT", "/v1/containers").route.functionName).toBe("notFound");
    expect(matchRoute(config.routes, "GET", "/elsewhere").route.functionName).toBe("notFound");
  });
});

describe("the catch-all function's route table", () => {
  it("lists exactly the routes serverless.yml declares", async () => {
    const { ROUTES } = await import("../../../shared/http/route-table.ts");
    const declared = loadServerlessConfig("qa", "eu-west-1")
      .routes.filter((route) => route.method !== "*")
      .map((route) => `${route.method} ${route.path}`);
    expect([...ROUTES].sort()).toEqual(declared.sort());
  });
});
