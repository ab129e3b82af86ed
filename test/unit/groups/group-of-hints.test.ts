import { describe, expect, it } from "vitest";
import { ForbiddenError, InvalidFieldError } from "../../../shared/errors.ts";
import { groupOfHints } from "../../../shared/groups/group-of-hints.ts";
import { type GroupRecord, MAX_GROUP_MEMBERS } from "../../../shared/model/group.ts";
import { type GroupState, type GroupStore, implicitGroupUuid } from "../../../shared/store/groups.ts";

const caller = { projectId: "demo", userId: "alice", roles: ["member"] };

/** A group store whose find answers `found` and whose create keeps what it was given. */
function storeOf(found: GroupState | "ambiguous" | undefined) {
  const created: GroupRecord[] = [];
  const store = {
    find: async () => found,
    create: async (group: GroupRecord) => created.push(group) > 0,
    state: async () => undefined,
  } as unknown as GroupStore;
  return { store, created };
}

function state(overrides: Partial<GroupRecord> = {}): GroupState {
  return {
    group: {
      uuid: "u",
      name: "web",
      policy: "anti-affinity",
      rules: {},
      project_id: "demo",
      user_id: "alice",
      created_at: "",
      ...overrides,
    },
    membersOnHost: {},
  };
}

describe("groupOfHints", () => {
  it("joins no group without hints.group", async () => {
    expect(await groupOfHints({}, caller, storeOf(undefined).store)).toBeUndefined();
  });

  it("makes the implicit group of an unknown name, keyed by project and name, anti-affinity by default", async () => {
    const { store, created } = storeOf(undefined);
    const joined = await groupOfHints({ group: "legacy" }, caller, store);
    expect(joined?.group).toMatchObject({
      uuid: implicitGroupUuid("demo", "legacy"),
      name: "legacy",
      policy: "anti-affinity",
      implicit: true,
    });
    expect(created).toHaveLength(1);
    expect(implicitGroupUuid("other", "legacy")).not.toBe(implicitGroupUuid("demo", "legacy"));
    expect((await groupOfHints({ group: "x", group_policy: "soft-affinity" }, caller, store))?.group.policy).toBe(
      "soft-affinity",
    );
  });

  it.each([
    ["an unknown uuid", storeOf(undefined), { group: "0b5f3a0e-4c1e-4a51-9a43-3d9c9b1f0c11" }, "hints.group"],
    ["a name several groups share", storeOf("ambiguous"), { group: "web" }, "hints.group"],
    [
      "a policy the group does not have",
      storeOf(state()),
      { group: "web", group_policy: "affinity" },
      "hints.group_policy",
    ],
  ])("refuses %s with a 400 naming the field", async (_title, { store }, hints, field) => {
    const refusal = await groupOfHints(hints, caller, store).catch((error) => error);
    expect(refusal).toBeInstanceOf(InvalidFieldError);
    expect(refusal.field).toBe(field);
  });

  it("refuses a group that has as many members as a group may have (403, as a quota)", async () => {
    const members = new Set(Array.from({ length: MAX_GROUP_MEMBERS }, (_, index) => `m${index}`));
    const refusal = await groupOfHints({ group: "web" }, caller, storeOf(state({ members })).store).catch((e) => e);
    expect(refusal).toBeInstanceOf(ForbiddenError);
  });
});
