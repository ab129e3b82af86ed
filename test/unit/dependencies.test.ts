import { describe, expect, it } from "vitest";
import { dependencies } from "../../shared/dependencies.ts";

const ENV = { BERTH_TABLE: "berth", BERTH_QUEUE_PREFIX: "berth", AWS_REGION: "us-east-1" };

describe("dependencies", () => {
  it("are built once for an environment: every invocation after the first reuses the same stores and client", () => {
    const first = dependencies({ ...ENV });
    const second = dependencies({ ...ENV, PATH: "/elsewhere" });
    expect(second).toBe(first);
    expect(second.stores).toBe(first.stores);
    expect(second.sqs).toBe(first.sqs);
  });

  it("are built again when a variable Berth reads changes, and read that environment", () => {
    const first = dependencies({ ...ENV });
    const changed = dependencies({ ...ENV, BERTH_TABLE: "other" });
    expect(changed).not.toBe(first);
    expect(changed.config.tableName).toBe("other");
  });
});
