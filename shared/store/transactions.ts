import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";

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
