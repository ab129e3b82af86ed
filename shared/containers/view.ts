import { cpusetOf } from "../hosts/pinned-cores.ts";
import type { ContainerRecord } from "../model/container.ts";

/** A container as Zun's API shows it. */
export function containerView(record: ContainerRecord, baseUrl: string): Record<string, unknown> {
  const href = `${baseUrl}/v1/containers/${record.uuid}`;
  return {
    uuid: record.uuid,
    name: record.name,
    image: record.image,
    command: record.command,
    entrypoint: record.entrypoint,
    cpu: record.cpu,
    memory: String(record.memory),
    disk: record.disk,
    environment: record.environment,
    labels: record.labels,
    workdir: record.workdir,
    hostname: record.hostname,
    runtime: record.runtime,
    image_pull_policy: record.image_pull_policy,
    image_driver: record.image_driver,
    restart_policy: record.restart_policy
      ? { Name: record.restart_policy.Name, MaximumRetryCount: String(record.restart_policy.MaximumRetryCount) }
      : null,
    interactive: record.interactive,
    tty: record.tty,
    auto_remove: record.auto_remove,
    auto_heal: record.auto_heal,
    privileged: record.privileged,
    healthcheck: record.healthcheck,
    exposed_ports: record.exposed_ports,
    status: record.status,
    status_reason: record.status_reason,
    status_detail: record.status_detail ?? null,
    restart_count: record.restart_count ?? 0,
    task_state: record.task_state,
    host: record.host,
    project_id: record.project_id,
    user_id: record.user_id,
    addresses: record.addresses ?? {},
    ports: Object.keys(record.exposed_ports).map((port) => Number(port.split("/")[0])),
    published_ports: record.published_ports ?? {},
    security_groups: [],
    registry_id: record.registry_id ?? null,
    cpu_policy: record.cpu_policy ?? "shared",
    cpuset: cpusetOf(record.claim) ?? null,
    created_at: record.created_at,
    updated_at: record.updated_at,
    links: [
      { href, rel: "self" },
      { href, rel: "bookmark" },
    ],
  };
}
