import { InvalidFieldError } from "../errors.ts";
import type { HttpEvent } from "./context.ts";

/** A request header by case-insensitive name. */
export function headerOf(event: HttpEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** The URL clients use to reach this API, for `Location` and `links`. */
export function baseUrlOf(event: HttpEvent): string {
  const headers = event.headers ?? {};
  const proto = headers["x-forwarded-proto"] ?? "https";
  return `${proto}://${event.requestContext.domainName}`;
}

/**
 * No id, name or request id Berth makes or accepts is longer; the table's keys
 * hold at most 1024 bytes (a sort key), so a longer one is refused here rather
 * than by DynamoDB as a 500.
 */
const MAX_PATH_PARAMETER_BYTES = 255;

/** A path parameter as API Gateway's HTTP API delivers it: already decoded (decoding again turned `%25` into a 500). */
export function pathParameter(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new InvalidFieldError(name, "is required in the path");
  const bytes = Buffer.byteLength(value);
  if (bytes > MAX_PATH_PARAMETER_BYTES)
    throw new InvalidFieldError(
      name,
      `is ${bytes} bytes long; no id or name is longer than ${MAX_PATH_PARAMETER_BYTES}`,
    );
  return value;
}

/** Query parameters, refusing any the route does not know (as Zun does). */
export function queryParameters(event: HttpEvent, allowed: readonly string[]): Record<string, string> {
  const query = event.queryStringParameters ?? {};
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!allowed.includes(name))
      throw new InvalidFieldError(name, `unknown query parameter (allowed: ${allowed.join(", ") || "none"})`);
    if (value !== undefined) result[name] = value;
  }
  return result;
}

/** python-zunclient sends Python's `str(None)` for parameters the caller left out. */
function isUnset(value: string | undefined): value is undefined {
  return value === undefined || value === "" || value === "None";
}

export function stringParameter(query: Record<string, string>, name: string): string | undefined {
  const value = query[name];
  return isUnset(value) ? undefined : value;
}

export function booleanParameter(query: Record<string, string>, name: string): boolean {
  const value = query[name];
  if (isUnset(value)) return false;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new InvalidFieldError(name, `must be true or false, got ${JSON.stringify(value)}`);
}

export function integerParameter(
  query: Record<string, string>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const value = query[name];
  if (isUnset(value)) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InvalidFieldError(name, `must be a whole number between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
