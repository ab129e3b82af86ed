import { NotAcceptableError } from "../errors.ts";

/** A Zun API microversion, e.g. 1.40. */
export interface ApiVersion {
  major: number;
  minor: number;
}

/** Zun's whole range: 1.1–1.19 are the legacy ones (a container's command as one string, raw archives). */
export const MIN_API_VERSION: ApiVersion = { major: 1, minor: 1 };
export const MAX_API_VERSION: ApiVersion = { major: 1, minor: 40 };
/** Without a header a request gets 1.20, not Zun's 1.1: curl users send a command as a list, which 1.1 would refuse. */
export const DEFAULT_API_VERSION: ApiVersion = { major: 1, minor: 20 };
const SERVICE = "container";

export function formatVersion(version: ApiVersion): string {
  return `${version.major}.${version.minor}`;
}

export function atLeast(version: ApiVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/**
 * Reads `OpenStack-API-Version: container X.Y` (or `latest`). Without the
 * header a request gets the default version; a version outside
 * [min, max] or a malformed header is a 406.
 */
export function negotiateVersion(header: string | undefined): ApiVersion {
  if (header === undefined || header.trim() === "") return DEFAULT_API_VERSION;
  const [service, value, ...rest] = header.trim().split(/\s+/);
  if (service?.toLowerCase() !== SERVICE || value === undefined || rest.length > 0) {
    throw new NotAcceptableError(
      `Invalid OpenStack-API-Version header ${JSON.stringify(header)}: expected "${SERVICE} X.Y".`,
    );
  }
  if (value.toLowerCase() === "latest") return MAX_API_VERSION;
  const match = /^(\d+)\.(\d+)$/.exec(value);
  if (!match)
    throw new NotAcceptableError(`Invalid OpenStack-API-Version value ${JSON.stringify(value)}: expected X.Y.`);
  const version = { major: Number(match[1]), minor: Number(match[2]) };
  if (
    !atLeast(version, MIN_API_VERSION.major, MIN_API_VERSION.minor) ||
    !atLeast(MAX_API_VERSION, version.major, version.minor)
  ) {
    throw new NotAcceptableError(
      `Version ${value} was requested but the minimum version is ${formatVersion(MIN_API_VERSION)} and the maximum is ${formatVersion(MAX_API_VERSION)}.`,
    );
  }
  return version;
}
