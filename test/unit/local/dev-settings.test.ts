import { describe, expect, it } from "vitest";
import { portRangeForSlot } from "../../../local/agent-slots.ts";
import { describeDevTokens, readDevSettings } from "../../../local/dev-settings.ts";
import { provisionedEnvironment, resolveEnvironment } from "../../../local/provision.ts";
import { loadServerlessConfig } from "../../../local/serverless-config.ts";
import { DEFAULT_DEV_TOKENS } from "../../../shared/auth/dev-tokens.ts";

describe("the local stack's environment", () => {
  const config = loadServerlessConfig("qa", "eu-west-1");
  const environment = provisionedEnvironment(config.environment);
  const provisioned = {
    HostDeadLetterQueue: { ref: "url", attributes: { Arn: "arn:aws:sqs:elasticmq:000000000000:berth-qa-host-dlq" } },
  };

  it("takes serverless.yml's literal values as defaults the environment overrides", () => {
    expect(resolveEnvironment(environment, provisioned, {}).BERTH_HOST_DOWN_AFTER_SECONDS).toBe("180");
    expect(
      resolveEnvironment(environment, provisioned, { BERTH_HOST_DOWN_AFTER_SECONDS: "7" })
        .BERTH_HOST_DOWN_AFTER_SECONDS,
    ).toBe("7");
    expect(
      resolveEnvironment(environment, provisioned, { BERTH_HOST_DOWN_AFTER_SECONDS: "" }).BERTH_HOST_DOWN_AFTER_SECONDS,
    ).toBe("180");
  });

  it("never lets the environment redirect the functions away from the resources provisioned", () => {
    const resolved = resolveEnvironment(environment, provisioned, {
      BERTH_HOST_DLQ_ARN: "arn:elsewhere",
      BERTH_TABLE: "berth-qa",
    });
    expect(resolved.BERTH_HOST_DLQ_ARN).toBe("arn:aws:sqs:elasticmq:000000000000:berth-qa-host-dlq");
  });
});

describe("npm run dev's settings", () => {
  it("reads the stage, port, agents and schedule periods from the environment, and --fresh from its arguments", () => {
    expect(readDevSettings({}, [])).toEqual({ stage: "dev", port: 8080, agents: 1, fresh: false, schedulePeriods: {} });
    expect(
      readDevSettings(
        {
          BERTH_STAGE: "qa",
          BERTH_PORT: "9090",
          BERTH_AGENTS: "3",
          BERTH_RECONCILE_EVERY_SECONDS: "5",
          BERTH_AUDIT_EVERY_SECONDS: "0",
        },
        ["--fresh"],
      ),
    ).toEqual({
      stage: "qa",
      port: 9090,
      agents: 3,
      fresh: true,
      schedulePeriods: { reconcile: 5, audit: 0 },
    });
  });

  it("names what it cannot take", () => {
    expect(() => readDevSettings({}, ["--fersh"])).toThrow(/unknown argument --fersh/);
    expect(() => readDevSettings({ BERTH_RECONCILE_EVERY_SECONDS: "soon" }, [])).toThrow(
      /BERTH_RECONCILE_EVERY_SECONDS/,
    );
  });

  it("names in its banner the tokens the functions accept", () => {
    expect(describeDevTokens(DEFAULT_DEV_TOKENS)).toMatchObject({
      example: "berth-dev-admin",
      lines: [expect.stringContaining("berth-dev-admin"), expect.stringContaining("berth-dev-member")],
    });
    const own = describeDevTokens({ "my-token": { projectId: "p1", userId: "u", roles: ["admin"] } });
    expect(own.example).toBe("my-token");
    expect(own.lines.join("\n")).not.toContain("berth-dev");
    expect(describeDevTokens({}).example).toBeUndefined();
  });
});

describe("agents sharing one Docker engine", () => {
  it("publish on disjoint slices of the host port range that together cover it", () => {
    const slices = [0, 1, 2].map((slot) => portRangeForSlot("30000-32767", slot, 3));
    expect(slices).toEqual(["30000-30921", "30922-31843", "31844-32767"]);
    expect(portRangeForSlot("30000-32767", 0, 1)).toBe("30000-32767");
    expect(portRangeForSlot("31000-31009", 3, 3)).toBe("31000-31009");
    expect(() => portRangeForSlot("31000-31001", 0, 3)).toThrow(/too small/);
  });
});
