import type { Identity } from "../auth/identity.ts";
import { authorize } from "../auth/policy.ts";
import { InvalidFieldError } from "../errors.ts";
import type { ContainerRecord } from "../model/container.ts";
import type { ContainerStore } from "../store/containers.ts";

export const LIST_FILTERS = [
  "name",
  "image",
  "project_id",
  "user_id",
  "memory",
  "host",
  "task_state",
  "status",
  "auto_remove",
] as const;
export const SORT_KEYS = [
  "id",
  "uuid",
  "name",
  "image",
  "created_at",
  "updated_at",
  "status",
  "task_state",
  "host",
  "cpu",
  "memory",
  "project_id",
  "user_id",
] as const;
/** Zun's max_limit: a page holds at most this many. */
export const MAX_PAGE = 1000;

export type ListFilter = (typeof LIST_FILTERS)[number];
export type SortKey = (typeof SORT_KEYS)[number];

/** What a list asks for, already checked (see functions/http/containers/list-parameters.ts). */
export interface ContainerListing {
  allProjects: boolean;
  limit: number;
  /** The uuid of the last container of the previous page. */
  marker: string | undefined;
  sortKey: SortKey;
  sortDir: "asc" | "desc";
  /** Each field asked for, with the value a container's must equal as a string. */
  filters: Array<[ListFilter, string]>;
}

export interface ContainerPage {
  containers: ContainerRecord[];
  /** Whether a page follows this one. */
  more: boolean;
}

/**
 * The caller's containers (every project's, for an admin asking all_projects),
 * filtered, sorted and paged the way Zun's list is: `marker` is the uuid of the
 * last container of the previous page, and a page holds at most `limit`
 * (Zun's max_limit, 1000, when none is asked). In creation order, the default,
 * a page reads about as many items as it shows; another sort reads the whole listing.
 */
export async function listContainers(
  listing: ContainerListing,
  caller: Identity,
  containers: ContainerStore,
): Promise<ContainerPage> {
  const { allProjects, limit, marker, sortKey, sortDir, filters } = listing;
  if (allProjects) authorize(caller, "container:get_all_all_projects");
  const matches = (record: ContainerRecord) => filters.every(([field, value]) => String(record[field] ?? "") === value);
  const scope = allProjects ? undefined : caller.projectId;
  const { page, more } =
    sortKey === "id" || sortKey === "created_at"
      ? await pageInCreationOrder(containers, scope, {
          ascending: sortDir === "asc",
          marker,
          limit,
          matches,
          filtered: filters.length > 0,
        })
      : pageOfSorted(await (scope === undefined ? containers.listAll() : containers.listByProject(scope)), {
          sortKey,
          sortDir,
          marker,
          limit,
          matches,
        });
  return { containers: page, more: more && page.length > 0 };
}

async function pageInCreationOrder(
  containers: ContainerStore,
  scope: string | undefined,
  options: {
    ascending: boolean;
    marker: string | undefined;
    limit: number;
    matches: (record: ContainerRecord) => boolean;
    filtered: boolean;
  },
): Promise<{ page: ContainerRecord[]; more: boolean }> {
  let after: ContainerRecord | undefined;
  if (options.marker !== undefined) {
    after = await containers.get(options.marker);
    if (!after || (scope !== undefined && after.project_id !== scope))
      throw new InvalidFieldError("marker", `no container ${options.marker} in this listing`);
  }
  // One more than a page tells whether there is a next; filters skip items, so read in larger steps then.
  const batch = options.filtered ? 100 : options.limit + 1;
  const page: ContainerRecord[] = [];
  for await (const record of containers.inCreationOrder(scope, { ascending: options.ascending, after, batch })) {
    if (!options.matches(record)) continue;
    if (page.length === options.limit) return { page, more: true };
    page.push(record);
  }
  return { page, more: false };
}

function pageOfSorted(
  records: ContainerRecord[],
  options: {
    sortKey: string;
    sortDir: "asc" | "desc";
    marker: string | undefined;
    limit: number;
    matches: (record: ContainerRecord) => boolean;
  },
): { page: ContainerRecord[]; more: boolean } {
  const sorted = records.filter(options.matches).sort(compareBy(options.sortKey, options.sortDir));
  let start = 0;
  if (options.marker !== undefined) {
    const index = sorted.findIndex((record) => record.uuid === options.marker);
    if (index < 0) throw new InvalidFieldError("marker", `no container ${options.marker} in this listing`);
    start = index + 1;
  }
  const page = sorted.slice(start, start + options.limit);
  return { page, more: start + options.limit < sorted.length };
}

function compareBy(key: string, dir: "asc" | "desc") {
  const field = key === "id" ? "created_at" : key;
  const sign = dir === "asc" ? 1 : -1;
  return (a: ContainerRecord, b: ContainerRecord): number => {
    const left = (a as unknown as Record<string, unknown>)[field];
    const right = (b as unknown as Record<string, unknown>)[field];
    let order = 0;
    if (typeof left === "number" && typeof right === "number") order = left - right;
    else order = String(left ?? "").localeCompare(String(right ?? ""));
    return order !== 0 ? order * sign : a.created_at.localeCompare(b.created_at) || a.uuid.localeCompare(b.uuid);
  };
}
