import type { DynamoDBDocumentClient, TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { cancellationCodes } from "./transactions.ts";

/** One item of a TransactWriteItems: the store's single name for it. */
export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** Why a named transaction was cancelled: which named items failed their condition, and whether another transaction got in the way. */
export interface Cancellation<Name extends string> {
  /** Whether any item added under `name` failed its condition. */
  failed(name: Name): boolean;
  /** Whether any item was cancelled by a conflicting transaction (retry). */
  readonly conflicted: boolean;
  /** The SDK's error, for what no name explains. */
  readonly error: unknown;
}

/**
 * A TransactWriteItems whose items are added under names, so that a
 * cancellation is read by name ("the quota moved") and never by position,
 * which shifts whenever an item is added before another.
 */
export class NamedTransaction<Name extends string> {
  private readonly items: TransactItem[] = [];
  private readonly names: Name[] = [];

  /** Adds items under a name (none is fine: a name with no item never fails). */
  add(name: Name, ...items: TransactItem[]): this {
    for (const item of items) {
      this.items.push(item);
      this.names.push(name);
    }
    return this;
  }

  /** Sends every item in one transaction: undefined when it committed, the cancellation when DynamoDB cancelled it; other errors throw. */
  async send(db: Pick<DynamoDBDocumentClient, "send">): Promise<Cancellation<Name> | undefined> {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: this.items }));
      return undefined;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      const failedNames = new Set(this.names.filter((_, index) => codes[index] === "ConditionalCheckFailed"));
      return {
        failed: (name) => failedNames.has(name),
        conflicted: codes.includes("TransactionConflict"),
        error,
      };
    }
  }
}
