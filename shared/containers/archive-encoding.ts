import { InvalidFieldError } from "../errors.ts";
import { type ApiVersion, atLeast } from "../http/microversion.ts";

/**
 * Archives travel to and from hosts as base64. From 1.25 clients send and
 * receive base64 too; before it Zun took and returned the tar itself, as the
 * UTF-8 text its JSON carried (so only a tar whose bytes are valid UTF-8 —
 * text files — survives the trip, there as in Zun).
 */
export function archiveFromClient(data: unknown, version: ApiVersion): string {
  if (!atLeast(version, 1, 25)) {
    if (typeof data !== "string") throw new InvalidFieldError("data", "must be the tar archive");
    return Buffer.from(data, "utf8").toString("base64");
  }
  if (typeof data !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(data))
    throw new InvalidFieldError("data", "must be a base64-encoded tar archive");
  return data;
}

export function archiveForClient(base64: string, version: ApiVersion): string {
  return atLeast(version, 1, 25) ? base64 : Buffer.from(base64, "base64").toString("utf8");
}
