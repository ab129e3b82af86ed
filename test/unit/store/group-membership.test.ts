import { describe, expect, it } from "vitest";
import type { GroupPolicy, GroupRecord } from "../../../shared/model/group.ts";
import { joinGroupItems, leaveGroupItems, moveInGroupItems } from "../../../shared/store/group-membership.ts";

function group(policy: GroupPolicy, rules: GroupRecord["rules"] = {}): GroupRecord {
  return { uuid: "g", name: "web", policy, rules, project_id: "demo", user_id: "u", created_at: "" };
}

const conditionOf = (item: { Update?: { ConditionExpression?: string } }) => item.Update?.ConditionExpression;

describe("a group place in the claim transaction", () => {
  it("anti-affinity caps the host's count at max_server_per_host (default 1)", () => {
    const [, count] = joinGroupItems("t", group("anti-affinity"), "h1", "c1");
    expect(conditionOf(count!)).toBe("attribute_not_exists(member_count) OR member_count < :max");
    expect(count!.Update!.ExpressionAttributeValues).toMatchObject({ ":max": 1, ":delta": 1 });
    const [, paired] = joinGroupItems("t", group("anti-affinity", { max_server_per_host: 2 }), "h1", "c1");
    expect(paired!.Update!.ExpressionAttributeValues).toMatchObject({ ":max": 2 });
  });

  it("affinity takes the group's host only when it has no members or is already there", () => {
    const [item] = joinGroupItems("t", group("affinity"), "h1", "c1");
    expect(conditionOf(item!)).toBe(
      "attribute_exists(pk) AND (attribute_not_exists(members) OR attribute_not_exists(#host) OR #host = :host)",
    );
    expect(item!.Update!.UpdateExpression).toBe("SET #host = :host ADD members :me");
  });

  it("soft policies count members per host but refuse nothing except a deleted group", () => {
    for (const policy of ["soft-affinity", "soft-anti-affinity"] as const) {
      const [item, count] = joinGroupItems("t", group(policy), "h1", "c1");
      expect(conditionOf(item!)).toBe("attribute_exists(pk)");
      expect(conditionOf(count!)).toBeUndefined();
    }
  });

  it("leaving is unconditional: it is sent only with the claim's own release", () => {
    for (const item of leaveGroupItems("t", "g", "h1", "c1")) expect(conditionOf(item)).toBeUndefined();
  });

  it("a move counts on the new host (capped) and off the old; an affinity group follows only a lone member", () => {
    const [to, from] = moveInGroupItems("t", group("anti-affinity"), "old", "new");
    expect(to!.Update!.Key).toEqual({ pk: "GROUP#g", sk: "HOST#new" });
    expect(conditionOf(to!)).toContain("member_count < :max");
    expect(from!.Update!.ExpressionAttributeValues).toEqual({ ":minusOne": -1 });
    const [affinity] = moveInGroupItems("t", group("affinity"), "old", "new");
    expect(conditionOf(affinity!)).toContain("size(members) = :one");
  });
});
