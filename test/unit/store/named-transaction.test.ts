import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { NamedTransaction, type TransactItem } from "../../../shared/store/named-transaction.ts";

const item = (pk: string): TransactItem => ({ Put: { TableName: "t", Item: { pk } } });

/** A client that answers a TransactWriteItems as DynamoDB does: committed, or cancelled with one reason per item. */
function dynamoAnswering(reasons?: string[]) {
  const sent: TransactItem[][] = [];
  return {
    sent,
    async send(command: { input: { TransactItems?: TransactItem[] } }) {
      sent.push(command.input.TransactItems ?? []);
      if (!reasons) return {};
      throw new TransactionCanceledException({
        message: "Transaction cancelled",
        $metadata: {},
        CancellationReasons: reasons.map((Code) => ({ Code })),
      });
    },
  };
}

function createLike() {
  return new NamedTransaction<"host" | "quota" | "container" | "name" | "group">()
    .add("host", item("host"))
    .add("quota", item("quota-1"), item("quota-2"))
    .add("container", item("container"))
    .add("name", item("name"))
    .add("group", item("group"));
}

describe("a named transaction", () => {
  it("sends every item in the order added, and reports nothing when it commits", async () => {
    const db = dynamoAnswering();
    expect(await createLike().send(db as never)).toBeUndefined();
    expect(db.sent[0]!.map((sent) => sent.Put!.Item!.pk)).toEqual([
      "host",
      "quota-1",
      "quota-2",
      "container",
      "name",
      "group",
    ]);
  });

  it("names the items whose condition failed, wherever they sit", async () => {
    const cancelled = await createLike().send(
      dynamoAnswering(["None", "None", "ConditionalCheckFailed", "None", "None", "None"]) as never,
    );
    expect(cancelled?.failed("quota")).toBe(true);
    for (const name of ["host", "container", "name", "group"] as const) expect(cancelled?.failed(name)).toBe(false);
    expect(cancelled?.conflicted).toBe(false);
  });

  it("tells a conflict with another transaction from a failed condition", async () => {
    const cancelled = await createLike().send(
      dynamoAnswering(["TransactionConflict", "None", "None", "None", "None", "None"]) as never,
    );
    expect(cancelled?.conflicted).toBe(true);
    expect(cancelled?.failed("host")).toBe(false);
  });

  it("never blames a name that holds no item", async () => {
    const transaction = new NamedTransaction<"container" | "group">().add("group").add("container", item("c"));
    const cancelled = await transaction.send(dynamoAnswering(["ConditionalCheckFailed"]) as never);
    expect(cancelled?.failed("container")).toBe(true);
    expect(cancelled?.failed("group")).toBe(false);
  });

  it("lets any other error through", async () => {
    const db = {
      send: async () => {
        throw Object.assign(new Error("throttled"), { name: "ProvisionedThroughputExceededException" });
      },
    };
    await expect(createLike().send(db as never)).rejects.toThrow("throttled");
  });
});
