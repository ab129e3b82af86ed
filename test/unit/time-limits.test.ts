import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../shared/config.ts";
import { FUNCTION_TIMEOUT_MS, LONGEST_HOST_WAIT_MS } from "../../shared/time-limits.ts";

const serverless = yaml.load(readFileSync(new URL("../../serverless.yml", import.meta.url), "utf8")) as {
  provider: { timeout: number };
  functions: Record<string, { timeout?: number; events?: { httpApi?: unknown }[] }>;
};

describe("the time limits", () => {
  it("are the functions' timeout in serverless.yml, under API Gateway's 30 s", () => {
    expect(serverless.provider.timeout * 1000).toBe(FUNCTION_TIMEOUT_MS);
    expect(FUNCTION_TIMEOUT_MS).toBeLessThan(30_000);
    const httpFunctionsWithTheirOwn = Object.entries(serverless.functions).filter(
      ([, fn]) => fn.events?.some((event) => event.httpApi !== undefined) && fn.timeout !== undefined,
    );
    expect(httpFunctionsWithTheirOwn).toEqual([]);
  });

  it("leave a host's answer time to be replied with", () => {
    expect(LONGEST_HOST_WAIT_MS).toBeLessThan(FUNCTION_TIMEOUT_MS - 2_000);
  });

  it("let a deployment shorten the wait for a host, never lengthen it", () => {
    const env = { BERTH_TABLE: "t", BERTH_QUEUE_PREFIX: "q", BERTH_HOST_DLQ_ARN: "arn", AWS_REGION: "us-east-1" };
    expect(readConfig({ ...env, BERTH_HOST_ANSWER_SECONDS: "5" }).hostAnswerSeconds).toBe(5);
    expect(readConfig({ ...env, BERTH_HOST_ANSWER_SECONDS: "120" }).hostAnswerSeconds).toBe(
      LONGEST_HOST_WAIT_MS / 1000,
    );
    expect(readConfig(env).hostAnswerSeconds).toBe(LONGEST_HOST_WAIT_MS / 1000);
  });
});
