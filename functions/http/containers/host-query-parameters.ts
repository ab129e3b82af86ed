import type { QueryCaller } from "../../../shared/containers/host-queries.ts";
import { InvalidFieldError } from "../../../shared/errors.ts";
import type { HttpContext } from "../../../shared/http/context.ts";
import { integerParameter, stringParameter } from "../../../shared/http/request.ts";
import { FUNCTION_TIMEOUT_MS } from "../../../shared/time-limits.ts";

/** The asker of a host query, from the request: who, which request, and the time the function has left. */
export function queryCallerOf(context: HttpContext): QueryCaller {
  return {
    config: context.config,
    caller: context.caller,
    requestId: context.requestId,
    remainingMs: context.getRemainingTimeInMillis?.() ?? FUNCTION_TIMEOUT_MS,
  };
}

/** `path`: an absolute path in the container (archives). */
export function requiredPath(query: Record<string, string>): string {
  const path = stringParameter(query, "path");
  if (!path?.startsWith("/")) throw new InvalidFieldError("path", "is required: an absolute path in the container");
  return path;
}

/** `w` and `h`: a terminal's size, in characters. */
export function terminalSizeOf(query: Record<string, string>): { w: number; h: number } {
  return { w: requiredSize(query, "w"), h: requiredSize(query, "h") };
}

/** `exec_id`: the exec an interactive execute returned. */
export function requiredExecId(query: Record<string, string>): string {
  const execId = stringParameter(query, "exec_id");
  if (!execId || !/^[0-9a-f]{64}$/.test(execId))
    throw new InvalidFieldError("exec_id", "is required: the exec_id an interactive execute returned");
  return execId;
}

function requiredSize(query: Record<string, string>, name: "w" | "h"): number {
  const value = integerParameter(query, name, 1, 10_000);
  if (value === undefined) throw new InvalidFieldError(name, "is required: the terminal's size in characters");
  return value;
}
