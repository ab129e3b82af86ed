import type { ContainerRecord } from "../../shared/model/container.ts";
import { Status, statusFromDockerState } from "../../shared/model/container-status.ts";
import type { ContainerInspection } from "./docker/inspect-shape.ts";
import { networkAddressesOf, sameAddresses } from "./network-addresses.ts";

/**
 * What the record should say, given what Docker says: status, the reason a
 * container stopped (exit code, out of memory), health, restart count and addresses.
 * Only the fields that differ are returned; none means the record is true.
 */
export function observedChanges(record: ContainerRecord, inspected: ContainerInspection): Partial<ContainerRecord> {
  const status = statusFromDockerState(inspected.State);
  const seen: Partial<ContainerRecord> = {
    status,
    status_detail: inspected.State.Health?.Status ?? null,
    restart_count: inspected.RestartCount ?? 0,
  };
  if (status === Status.Stopped || status === Status.Dead) {
    if (record.status !== status) {
      const oom = inspected.State.OOMKilled ? " (out of memory)" : "";
      seen.status_reason = `exited with code ${inspected.State.ExitCode ?? "unknown"}${oom}${inspected.State.Error ? `: ${inspected.State.Error}` : ""}`;
    }
  } else if (record.status !== status) {
    seen.status_reason = null;
  }
  const changes: Partial<ContainerRecord> = {};
  for (const [field, value] of Object.entries(seen) as Array<[keyof ContainerRecord, unknown]>) {
    if (
      (record[field] ?? null) !== (value ?? null) &&
      !(field === "restart_count" && (record.restart_count ?? 0) === value)
    ) {
      (changes as Record<string, unknown>)[field] = value;
    }
  }
  const addresses = networkAddressesOf(inspected);
  if (addresses && !sameAddresses(addresses, record.addresses)) changes.addresses = addresses;
  return changes;
}
