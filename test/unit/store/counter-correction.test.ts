import { describe, expect, it } from "vitest";
import { counterCorrection } from "../../../shared/store/counter-correction.ts";

describe("counterCorrection", () => {
  it("sets each counter to what was expected, only where it still reads what was observed", () => {
    const correction = counterCorrection(
      { containers: "used_containers", memory: "used_memory" },
      { containers: 3, memory: 512 },
      { containers: 2, memory: 256 },
    );
    expect(correction.set).toBe("used_containers = :expected_containers, used_memory = :expected_memory");
    expect(correction.condition).toBe("(used_containers = :observed_containers) AND (used_memory = :observed_memory)");
    expect(correction.values).toEqual({
      ":expected_containers": 2,
      ":observed_containers": 3,
      ":expected_memory": 256,
      ":observed_memory": 512,
    });
  });

  it("takes a counter never written as 0 when 0 was observed", () => {
    const correction = counterCorrection({ disk: "disk_used" }, { disk: 0 }, { disk: 10 });
    expect(correction.condition).toBe("(disk_used = :observed_disk OR attribute_not_exists(disk_used))");
  });
});
