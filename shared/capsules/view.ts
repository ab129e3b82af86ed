import { type ApiVersion, atLeast } from "../http/microversion.ts";
import type { CapsuleMember, CapsuleRecord } from "../model/capsule.ts";

/**
 * A capsule as Zun's API shows it: from 1.32 `name`, `labels` and the restart
 * policy as an object; before, as Zun's legacy view, `meta_name`,
 * `meta_labels`, the policy's name alone and the empty legacy keys.
 */
export function capsuleView(record: CapsuleRecord, baseUrl: string, apiVersion: ApiVersion): Record<string, unknown> {
  const view = currentView(record, baseUrl);
  if (atLeast(apiVersion, 1, 32)) return view;
  const { name, labels, restart_policy, ...rest } = view;
  return {
    ...rest,
    volumes_info: {},
    containers_uuids: [],
    init_containers_uuids: [],
    capsule_version: "",
    meta_name: name,
    meta_labels: labels,
    restart_policy: record.restart_policy.Name,
  };
}

function currentView(record: CapsuleRecord, baseUrl: string): Record<string, unknown> {
  const href = `${baseUrl}/v1/capsules/${record.uuid}`;
  const member = (container: CapsuleMember) => memberView(record, container);
  return {
    uuid: record.uuid,
    links: [
      { href, rel: "self" },
      { href, rel: "bookmark" },
    ],
    name: record.name,
    labels: record.labels,
    annotations: record.annotations,
    status: record.status,
    status_reason: record.status_reason,
    restart_policy: {
      Name: record.restart_policy.Name,
      MaximumRetryCount: String(record.restart_policy.MaximumRetryCount),
    },
    cpu: (record.claim?.cpuMillis ?? 0) / 1000,
    memory: String(record.claim?.memory ?? 0),
    host: record.host,
    addresses: record.addresses ?? {},
    init_containers: record.init_containers.map(member),
    containers: record.containers.map(member),
    project_id: record.project_id,
    user_id: record.user_id,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

function memberView(capsule: CapsuleRecord, container: CapsuleMember): Record<string, unknown> {
  return {
    uuid: container.uuid,
    name: container.name,
    image: container.image,
    command: container.command,
    cpu: container.cpu,
    memory: String(container.memory),
    environment: container.environment,
    workdir: container.workdir,
    image_pull_policy: container.image_pull_policy,
    exposed_ports: container.exposed_ports,
    ports: Object.keys(container.exposed_ports).map((port) => Number(port.split("/")[0])),
    status: container.status,
    status_reason: container.status_reason,
    exit_code: container.exit_code,
    addresses: capsule.addresses ?? {},
    host: capsule.host,
    capsule_id: capsule.uuid,
    project_id: capsule.project_id,
    user_id: capsule.user_id,
    created_at: capsule.created_at,
    updated_at: capsule.updated_at,
  };
}
