import { DockerOperationError } from "./docker-errors.ts";

export const CALL_TIMEOUT_MS = 30_000;

/** Runs one Docker call with a timeout, its failure classified; `okStatuses` are answers that are not failures (304: already so). */
export async function timedCall<T>(
  operation: string,
  run: () => Promise<T>,
  timeoutMs = CALL_TIMEOUT_MS,
  okStatuses: number[] = [],
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new DockerOperationError(operation, "timeout", `no answer from Docker within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([run(), timeout]);
  } catch (error) {
    const statusCode = (error as { statusCode?: number }).statusCode;
    if (statusCode !== undefined && okStatuses.includes(statusCode)) return undefined as T;
    throw classify(operation, error);
  } finally {
    clearTimeout(timer);
  }
}

function classify(operation: string, error: unknown): DockerOperationError {
  if (error instanceof DockerOperationError) return error;
  const { statusCode, json, message, code } = error as {
    statusCode?: number;
    json?: { message?: string };
    message?: string;
    code?: string;
  };
  const detail = json?.message ?? message ?? String(error);
  if (statusCode === 404) return new DockerOperationError(operation, "not_found", detail, { cause: error });
  if (statusCode === 409) return new DockerOperationError(operation, "conflict", detail, { cause: error });
  if (statusCode !== undefined && statusCode < 500)
    return new DockerOperationError(operation, "rejected", detail, { cause: error });
  if (code === "ECONNREFUSED" || code === "ENOENT" || code === "ECONNRESET")
    return new DockerOperationError(operation, "unavailable", detail, { cause: error });
  return new DockerOperationError(operation, statusCode ? "rejected" : "unavailable", detail, { cause: error });
}
