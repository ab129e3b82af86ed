import type { CapsuleMember, CapsuleRecord } from "../../shared/model/capsule.ts";
import { RESTRICTED_DEFAULTS, UNPRIVILEGED_LIMITS } from "./create-container.ts";
import { memberName, sandboxName } from "./docker/container-name.ts";
import { isNotFound } from "./docker/docker-errors.ts";
import type { ContainerCreateSpec, DockerPort } from "./docker/docker-port.ts";

const MIB = 1024 * 1024;

/**
 * A capsule's Docker parts carry `berth.capsule` and their deployment's
 * label (so a fresh start removes them), but not `berth.uuid` or
 * `berth.host`, and the volume listing of the sweeps skips them: the
 * container sweeps and events never mistake them for containers or volumes
 * of their own, and the capsule's record alone decides what becomes of them.
 */
export const CAPSULE_LABEL = "berth.capsule";

export function capsuleVolumeName(capsule: Pick<CapsuleRecord, "uuid">, volume: string): string {
  return `berth-capsule-${capsule.uuid}-${volume}`;
}

function labelsOf(capsule: CapsuleRecord, deployment: string): Record<string, string> {
  return {
    ...capsule.labels,
    [CAPSULE_LABEL]: capsule.uuid,
    "berth.deployment": deployment,
    "berth.project": capsule.project_id,
  };
}

/** The capsule's volumes, made once (a redelivered create finds them). */
export async function ensureCapsuleVolumes(docker: DockerPort, capsule: CapsuleRecord, deployment: string) {
  for (const volume of capsule.volumes) {
    const name = capsuleVolumeName(capsule, volume.name);
    await docker.createVolume({ Name: name, Labels: labelsOf(capsule, deployment) });
  }
}

/**
 * The sandbox: the container that owns the capsule's network namespace on its
 * project's network (so the capsule has one IP, and its containers reach each
 * other on localhost). Returns its id, reusing one a redelivered create made.
 */
export async function ensureSandbox(
  docker: DockerPort,
  capsule: CapsuleRecord,
  wiring: { network: string; image: string; command: string[] | undefined; deployment: string },
): Promise<string> {
  return createOrReuse(docker, sandboxName(capsule), {
    name: sandboxName(capsule),
    Image: wiring.image,
    Cmd: wiring.command,
    Hostname: capsule.name.slice(0, 63),
    Labels: { ...labelsOf(capsule, wiring.deployment), "berth.capsule.part": "sandbox" },
    NetworkingConfig: { EndpointsConfig: { [wiring.network]: { NetworkID: wiring.network, Aliases: [capsule.name] } } },
    HostConfig: {
      NetworkMode: wiring.network,
      RestartPolicy: { Name: "always", MaximumRetryCount: 0 },
      NanoCpus: 10_000_000,
      Memory: 16 * MIB,
      ...RESTRICTED_DEFAULTS,
      ...UNPRIVILEGED_LIMITS,
    },
  });
}

/** One of the capsule's containers, in the sandbox's network namespace, with the capsule's volumes it mounts. */
export async function ensureMember(
  docker: DockerPort,
  capsule: CapsuleRecord,
  member: CapsuleMember,
  options: { sandboxId: string; init: boolean; deployment: string },
): Promise<string> {
  const restart = options.init
    ? undefined
    : { Name: capsule.restart_policy.Name === "no" ? "" : capsule.restart_policy.Name, MaximumRetryCount: 0 };
  return createOrReuse(docker, memberName(capsule, member), {
    name: memberName(capsule, member),
    Image: member.image,
    Cmd: member.command ?? undefined,
    WorkingDir: member.workdir ?? undefined,
    Env: Object.entries(member.environment).map(([key, value]) => `${key}=${value}`),
    Labels: {
      ...labelsOf(capsule, options.deployment),
      "berth.capsule.part": options.init ? "init" : "container",
      "berth.capsule.member": member.uuid,
    },
    HostConfig: {
      NetworkMode: `container:${options.sandboxId}`,
      NanoCpus: Math.round(member.cpu * 1000) * 1e6,
      Memory: member.memory * MIB,
      Mounts: member.volume_mounts.map((mount) => ({
        Type: "volume" as const,
        Source: capsuleVolumeName(capsule, mount.name),
        Target: mount.mount_path,
      })),
      RestartPolicy: restart,
      ...RESTRICTED_DEFAULTS,
      ...UNPRIVILEGED_LIMITS,
    },
  });
}

/** Removes every Docker part of a capsule: its containers (the sandbox last), then its volumes. */
export async function removeCapsuleParts(docker: DockerPort, capsuleUuid: string): Promise<void> {
  const labels = [`${CAPSULE_LABEL}=${capsuleUuid}`];
  const containers = await docker.listContainers(labels);
  const sandboxLast = [...containers].sort(
    (a, b) =>
      Number(a.Labels["berth.capsule.part"] === "sandbox") - Number(b.Labels["berth.capsule.part"] === "sandbox"),
  );
  for (const container of sandboxLast) await docker.remove(container.Id);
  for (const volume of await docker.listVolumes(labels))
    await docker.removeVolume(volume.Name, { force: true }).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
}

async function createOrReuse(docker: DockerPort, name: string, spec: ContainerCreateSpec): Promise<string> {
  const existing = await docker.inspect(name);
  if (existing) return existing.Id;
  return docker.createContainer(spec);
}
