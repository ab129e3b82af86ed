import { describe, expect, it } from "vitest";
import { readConfig } from "../../../shared/config.ts";
import { multiplierVariable, readWeigherMultipliers } from "../../../shared/scheduling/weighers/multipliers.ts";
import { multipliersFor } from "../../../shared/scheduling/weighers/weigh-hosts.ts";

describe("weigher multipliers from the environment", () => {
  it("reads BERTH_WEIGHER_<NAME>_MULTIPLIER for each weigher, any finite number, and leaves the rest to the preset", () => {
    expect(multiplierVariable("free_memory")).toBe("BERTH_WEIGHER_FREE_MEMORY_MULTIPLIER");
    const multipliers = readWeigherMultipliers({
      BERTH_WEIGHER_FREE_MEMORY_MULTIPLIER: "2.5",
      BERTH_WEIGHER_CONTAINER_COUNT_MULTIPLIER: "-1",
      BERTH_WEIGHER_GROUP_MULTIPLIER: "",
    });
    expect(multipliers).toEqual({ free_memory: 2.5, container_count: -1 });
    expect(multipliersFor({ strategy: "binpack", multipliers })).toEqual({
      free_memory: 2.5,
      free_cpu: -1,
      container_count: -1,
      group: 1,
      image: 1,
    });
    expect(multipliersFor({ strategy: "spread" })).toEqual({
      free_memory: 1,
      free_cpu: 1,
      container_count: 0,
      group: 1,
      image: 1,
    });
  });

  it("refuses a multiplier that is not a number, naming the variable, when the configuration is read", () => {
    expect(() =>
      readConfig({ BERTH_TABLE: "t", BERTH_QUEUE_PREFIX: "q", BERTH_WEIGHER_FREE_CPU_MULTIPLIER: "lots" }),
    ).toThrow("configuration: BERTH_WEIGHER_FREE_CPU_MULTIPLIER must be a number, got lots");
  });
});
