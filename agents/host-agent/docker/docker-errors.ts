/** A Docker failure, named and classified so the engine knows whether retrying can help. */
export class DockerOperationError extends Error {
  constructor(
    readonly operation: string,
    readonly kind: "not_found" | "conflict" | "rejected" | "timeout" | "unavailable",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${message}`, options);
    this.name = "DockerOperationError";
  }

  get retriable(): boolean {
    return this.kind === "timeout" || this.kind === "unavailable";
  }
}

/** Whether a failure is Docker saying the thing asked about does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof DockerOperationError && error.kind === "not_found";
}

/** Docker is already removing the container (another remove, or its auto-remove): wait for it to go. */
export function isRemovalInProgress(error: unknown): boolean {
  return (
    error instanceof DockerOperationError && error.kind === "conflict" && /already in progress/.test(error.message)
  );
}
