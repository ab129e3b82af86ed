import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";

/** Why each item of a cancelled TransactWriteItems failed, in the order they were sent. */
export type CancellationCode = "None" | "ConditionalCheckFailed" | "TransactionConflict" | string;

export function cancellationCodes(error: unknown): CancellationCode[] | undefined {
  if (
    error instanceof TransactionCanceledException ||
    (error as { name?: string })?.name === "TransactionCanceledException"
  ) {
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    return reasons.map((reason) => reason.Code ?? "None");
  }
  return undefined;
}

export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string })?.name === "ConditionalCheckFailedException";
}

/**
 * Sends one conditional write: true when it was applied, false when its
 * condition did not hold; any other failure is thrown.
 */
export async function appliedIfConditionHolds(
  db: DynamoDBDocumentClient,
  command: PutCommand | UpdateCommand | DeleteCommand,
): Promise<boolean> {
  try {
    await db.send(command as UpdateCommand);
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
