import { type GroupRecord, maxMembersPerHost } from "../model/group.ts";
import { keys } from "./keys.ts";
import type { TransactItem } from "./named-transaction.ts";

/**
 * A container's place in its server group, taken and given back in the
 * transactions that take and give back its host claim, so no concurrency can
 * break a hard policy. Two items: the group (its member set; with affinity,
 * its host) and the group's count on that host (capped under anti-affinity).
 * A cancellation of either means the group refuses this host.
 */
export function joinGroupItems(table: string, group: GroupRecord, hostId: string, uuid: string): TransactItem[] {
  return [groupItem(table, group, hostId, { join: uuid }), hostCountItem(table, group, hostId, +1)];
}

/** Gives a container's place back; unconditional, since it is only sent with the claim's own release. */
export function leaveGroupItems(table: string, groupId: string, hostId: string, uuid: string): TransactItem[] {
  return [
    {
      Update: {
        TableName: table,
        Key: keys.group(groupId),
        UpdateExpression: "DELETE members :me",
        ExpressionAttributeValues: { ":me": new Set([uuid]) },
      },
    },
    {
      Update: {
        TableName: table,
        Key: keys.groupOnHost(groupId, hostId),
        UpdateExpression: "ADD member_count :minusOne",
        ExpressionAttributeValues: { ":minusOne": -1 },
      },
    },
  ];
}

/** A member moving host (a reschedule): its count moves, and an affinity group follows it only if it is alone. */
export function moveInGroupItems(
  table: string,
  group: GroupRecord,
  fromHostId: string,
  toHostId: string,
): TransactItem[] {
  const items = [
    hostCountItem(table, group, toHostId, +1),
    {
      Update: {
        TableName: table,
        Key: keys.groupOnHost(group.uuid, fromHostId),
        UpdateExpression: "ADD member_count :minusOne",
        ExpressionAttributeValues: { ":minusOne": -1 },
      },
    },
  ];
  return group.policy === "affinity" ? [groupItem(table, group, toHostId, { moving: true }), ...items] : items;
}

function groupItem(
  table: string,
  group: GroupRecord,
  hostId: string,
  how: { join: string } | { moving: true },
): TransactItem {
  const affinity = group.policy === "affinity";
  const joining = "join" in how;
  // An affinity group's host may change only when it has no members besides the one placed now.
  const alone = joining ? "attribute_not_exists(members)" : "size(members) = :one";
  return {
    Update: {
      TableName: table,
      Key: keys.group(group.uuid),
      UpdateExpression: [affinity ? "SET #host = :host" : "", joining ? "ADD members :me" : ""].join(" ").trim(),
      ConditionExpression: affinity
        ? `attribute_exists(pk) AND (${alone} OR attribute_not_exists(#host) OR #host = :host)`
        : "attribute_exists(pk)",
      ...(affinity ? { ExpressionAttributeNames: { "#host": "host" } } : {}),
      ExpressionAttributeValues: {
        ...(affinity ? { ":host": hostId } : {}),
        ...(joining ? { ":me": new Set([how.join]) } : {}),
        ...(affinity && !joining ? { ":one": 1 } : {}),
      },
    },
  };
}

function hostCountItem(table: string, group: GroupRecord, hostId: string, delta: number): TransactItem {
  const capped = group.policy === "anti-affinity";
  return {
    Update: {
      TableName: table,
      Key: keys.groupOnHost(group.uuid, hostId),
      UpdateExpression: "ADD member_count :delta",
      ...(capped ? { ConditionExpression: "attribute_not_exists(member_count) OR member_count < :max" } : {}),
      ExpressionAttributeValues: { ":delta": delta, ...(capped ? { ":max": maxMembersPerHost(group) } : {}) },
    },
  };
}
