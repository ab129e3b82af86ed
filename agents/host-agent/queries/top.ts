import type { QueryHandler } from "./query-handler.ts";

/** The container's processes, `{Titles, Processes}`, as `docker top` lists them. */
export const top: QueryHandler = async ({ docker, dockerId, params }) => {
  const psArgs = typeof params.ps_args === "string" && params.ps_args !== "" ? params.ps_args : undefined;
  return docker.top(dockerId, psArgs);
};
