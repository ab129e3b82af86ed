import type { Claim } from "../model/container.ts";
import type { HostRecord } from "../model/host.ts";
import { keys } from "./keys.ts";
import type { TransactItem } from "./named-transaction.ts";

/** The outcome of trying to claim a host for a new container (or capsule). */
export type ClaimOutcome = "placed" | "host_full" | "group_full" | "quota_changed" | "contention";

/**
 * Adds a claim to a host only if it is enabled and every resource still fits.
 * DynamoDB conditions cannot add, so "used + claim <= total" is sent as
 * "total is still T and used <= T - claim". The cores a claim pins are taken
 * only if none of them is pinned already.
 */
export function claimHost(table: string, host: HostRecord, claim: Claim): TransactItem {
  const ports = claim.ports ?? 0;
  const portCondition = ports > 0 ? " AND ports_total = :portsTotal AND ports_used <= :portsRoom" : "";
  const cores = claim.cores ?? [];
  const coreCondition = cores.map((_, index) => ` AND NOT contains(pinned_cores, :core${index})`).join("");
  return {
    Update: {
      TableName: table,
      Key: keys.host(host.id),
      UpdateExpression:
        "ADD cpu_used_millis :cpu, mem_used :mem, disk_used :disk, total_containers :one, ports_used :ports" +
        (cores.length > 0 ? ", pinned_cores :cores" : ""),
      ConditionExpression:
        "enabled = :true AND cpu_total_millis = :cpuTotal AND cpu_used_millis <= :cpuRoom" +
        " AND mem_total = :memTotal AND mem_used <= :memRoom AND disk_total = :diskTotal AND disk_used <= :diskRoom" +
        portCondition +
        coreCondition,
      ExpressionAttributeValues: {
        ":ports": ports,
        ...(ports > 0 ? { ":portsTotal": host.ports_total ?? 0, ":portsRoom": (host.ports_total ?? 0) - ports } : {}),
        ...(cores.length > 0
          ? {
              ":cores": new Set(cores),
              ...Object.fromEntries(cores.map((core, index) => [`:core${index}`, core])),
            }
          : {}),
        ":cpu": claim.cpuMillis,
        ":mem": claim.memory,
        ":disk": claim.disk,
        ":one": claim.containers ?? 1,
        ":true": true,
        ":cpuTotal": host.cpu_total_millis,
        ":cpuRoom": host.cpu_total_millis - claim.cpuMillis,
        ":memTotal": host.mem_total,
        ":memRoom": host.mem_total - claim.memory,
        ":diskTotal": host.disk_total,
        ":diskRoom": host.disk_total - claim.disk,
      },
    },
  };
}

/** Moves a host's claim from one size to another; growing is conditional on room, shrinking is not. */
export function adjustHostClaim(table: string, host: HostRecord, from: Claim, to: Claim): TransactItem {
  const delta = { cpu: to.cpuMillis - from.cpuMillis, mem: to.memory - from.memory, disk: to.disk - from.disk };
  const conditions: string[] = [];
  const values: Record<string, unknown> = { ":cpu": delta.cpu, ":mem": delta.mem, ":disk": delta.disk };
  if (delta.cpu > 0) {
    conditions.push("cpu_total_millis = :cpuTotal AND cpu_used_millis <= :cpuRoom");
    Object.assign(values, { ":cpuTotal": host.cpu_total_millis, ":cpuRoom": host.cpu_total_millis - delta.cpu });
  }
  if (delta.mem > 0) {
    conditions.push("mem_total = :memTotal AND mem_used <= :memRoom");
    Object.assign(values, { ":memTotal": host.mem_total, ":memRoom": host.mem_total - delta.mem });
  }
  return {
    Update: {
      TableName: table,
      Key: keys.host(host.id),
      UpdateExpression: "ADD cpu_used_millis :cpu, mem_used :mem, disk_used :disk",
      ConditionExpression: conditions.length > 0 ? conditions.join(" AND ") : undefined,
      ExpressionAttributeValues: values,
    },
  };
}

/** Gives a claim back to its host, the cores it pinned with it. */
export function releaseHost(table: string, hostId: string, claim: Claim): TransactItem {
  const cores = claim.cores ?? [];
  return {
    Update: {
      TableName: table,
      Key: keys.host(hostId),
      UpdateExpression:
        "ADD cpu_used_millis :cpu, mem_used :mem, disk_used :disk, total_containers :minusOne, ports_used :ports" +
        (cores.length > 0 ? " DELETE pinned_cores :cores" : ""),
      ExpressionAttributeValues: {
        ":cpu": -claim.cpuMillis,
        ":mem": -claim.memory,
        ":disk": -claim.disk,
        ":minusOne": -(claim.containers ?? 1),
        ":ports": -(claim.ports ?? 0),
        ...(cores.length > 0 ? { ":cores": new Set(cores) } : {}),
      },
    },
  };
}
