import {
  type ContainerListing,
  LIST_FILTERS,
  type ListFilter,
  MAX_PAGE,
  SORT_KEYS,
  type SortKey,
} from "../../../shared/containers/list-containers.ts";
import { InvalidFieldError } from "../../../shared/errors.ts";
import { booleanParameter, integerParameter, stringParameter } from "../../../shared/http/request.ts";
import { UUID_PATTERN } from "../../../shared/uuid.ts";

/** The query parameters GET /v1/containers takes. */
export const LIST_PARAMETERS = [...LIST_FILTERS, "limit", "marker", "sort_key", "sort_dir", "all_projects"];

/** Reads a container list's query: a 400 naming the parameter for anything it cannot take. */
export function containerListingOf(query: Record<string, string>): ContainerListing {
  const marker = stringParameter(query, "marker");
  // Read as a key, anything but a uuid can only miss, and a long one fails DynamoDB's key size limit.
  if (marker !== undefined && !UUID_PATTERN.test(marker))
    throw new InvalidFieldError(
      "marker",
      `must be the uuid of the last container of the previous page, got ${JSON.stringify(marker.slice(0, 40))}`,
    );
  const sortKey = stringParameter(query, "sort_key") ?? "id";
  if (!(SORT_KEYS as readonly string[]).includes(sortKey))
    throw new InvalidFieldError("sort_key", `must be one of ${SORT_KEYS.join(", ")}`);
  const sortDir = stringParameter(query, "sort_dir") ?? "asc";
  if (sortDir !== "asc" && sortDir !== "desc") throw new InvalidFieldError("sort_dir", "must be asc or desc");
  const filters: Array<[ListFilter, string]> = [];
  for (const field of LIST_FILTERS) {
    const value = stringParameter(query, field);
    if (value !== undefined)
      filters.push([field, field === "auto_remove" ? String(booleanParameter(query, field)) : value]);
  }
  return {
    allProjects: booleanParameter(query, "all_projects"),
    limit: integerParameter(query, "limit", 1, MAX_PAGE) ?? MAX_PAGE,
    marker,
    sortKey: sortKey as SortKey,
    sortDir,
    filters,
  };
}
