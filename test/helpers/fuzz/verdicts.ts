import type { FuzzRequest, FuzzResponse } from "./wire.ts";

/**
 * Routes Berth deliberately does not offer: a 501 there is the contract
 * (README: interactive sessions and Neutron networks are refused).
 */
const NOT_OFFERED = new Set([
  "POST /v1/containers/{id}/network_attach",
  "POST /v1/containers/{id}/network_detach",
  "POST /v1/containers/{id}/resize",
  "POST /v1/containers/{id}/execute_resize",
  "POST /v1/containers/{id}/execute",
  "GET /v1/containers/{id}/attach",
  "GET /v1/containers/{id}/network_list",
]);

/** Routes answered by a host: a 504 there means the host did not answer within BERTH_HOST_ANSWER_SECONDS. */
const ASKS_A_HOST = new Set([
  "POST /v1/containers/{id}/execute",
  "POST /v1/containers/{id}/put_archive",
  "POST /v1/containers/{id}/commit",
  "GET /v1/containers/{id}/logs",
  "GET /v1/containers/{id}/top",
  "GET /v1/containers/{id}/stats",
  "GET /v1/containers/{id}/get_archive",
]);

/** Why a response breaks the contract, or undefined when it keeps it. */
export function contractBreach(request: FuzzRequest, response: FuzzResponse): string | undefined {
  const { status, body } = response;
  if (status >= 500) {
    const code = body?.errors?.[0]?.code;
    if (status === 501 && code === "not_implemented" && NOT_OFFERED.has(request.route))
      return zunFormatBreach(response);
    if (status === 504 && code === "host_timeout" && ASKS_A_HOST.has(request.route)) return zunFormatBreach(response);
    return `a ${status} (${code ?? "no Zun error code"})`;
  }
  if (status >= 400) return zunFormatBreach(response);
  return undefined;
}

/** Zun's error document: `{"errors":[{request_id, code, status, title, detail, links}]}`, its status the response's. */
function zunFormatBreach({ status, body }: FuzzResponse): string | undefined {
  const error = body?.errors?.[0];
  if (!error || !Array.isArray(body.errors) || body.errors.length !== 1) return `a ${status} not in Zun's error format`;
  for (const field of ["request_id", "code", "title", "detail"])
    if (typeof error[field] !== "string" || error[field] === "") return `a ${status} whose error has no ${field}`;
  if (!Array.isArray(error.links)) return `a ${status} whose error has no links`;
  if (error.status !== status) return `a ${status} whose error says status ${JSON.stringify(error.status)}`;
  return undefined;
}

/** Status codes counted per route, printed as a table for the closing note. */
export class StatusTally {
  private readonly counts = new Map<string, Map<number, number>>();

  add(route: string, status: number): void {
    const row = this.counts.get(route) ?? new Map<number, number>();
    row.set(status, (row.get(status) ?? 0) + 1);
    this.counts.set(route, row);
  }

  get total(): number {
    let total = 0;
    for (const row of this.counts.values()) for (const count of row.values()) total += count;
    return total;
  }

  table(): string {
    const statuses = [...new Set([...this.counts.values()].flatMap((row) => [...row.keys()]))].sort((a, b) => a - b);
    const header = `| route | ${statuses.join(" | ")} | total |`;
    const rule = `|---|${statuses.map(() => "---:").join("|")}|---:|`;
    const rows = [...this.counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([route, row]) => {
        const cells = statuses.map((status) => String(row.get(status) ?? ""));
        return `| ${route} | ${cells.join(" | ")} | ${[...row.values()].reduce((sum, count) => sum + count, 0)} |`;
      });
    const totals = statuses.map((status) =>
      String([...this.counts.values()].reduce((sum, row) => sum + (row.get(status) ?? 0), 0)),
    );
    return [header, rule, ...rows, `| **all** | ${totals.join(" | ")} | ${this.total} |`].join("\n");
  }
}
