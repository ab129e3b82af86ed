import { log } from "../../shared/log.ts";
import type { CapsuleMember, CapsuleRecord } from "../../shared/model/capsule.ts";
import { Status } from "../../shared/model/container-status.ts";
import type { CapsuleWork } from "../../shared/queue/host-messages.ts";
import type { CapsuleStore } from "../../shared/store/capsules.ts";
import { ensureCapsuleVolumes, ensureMember, ensureSandbox, removeCapsuleParts } from "./capsule-parts.ts";
import type { DockerPort } from "./docker/docker-port.ts";
import { ensureImage } from "./ensure-image.ts";
import { networkAddressesOf } from "./network-addresses.ts";
import { ensureProjectNetwork, releaseProjectNetwork } from "./project-network.ts";
import { reasonForUser } from "./reason-for-user.ts";

export interface CapsuleParts {
  docker: DockerPort;
  /** Only the capsule store, and only what capsule work writes with. */
  stores: { capsules: Pick<CapsuleStore, "get" | "recordProgress" | "removeAndRelease"> };
  hostId: string;
  deployment: string;
  sandbox: { image: string; command: string[] | undefined };
  /** How long an init container may run before the capsule fails. */
  initTimeoutMs: number;
}

/** A step of a capsule's create was overtaken by a newer request (a delete): stop quietly. */
class Superseded extends Error {}

/**
 * Carries out a capsule's create or delete, only when its record holds that
 * very request (the queue is only a doorbell) and places it on this host.
 */
export async function doCapsuleWork(message: CapsuleWork, parts: CapsuleParts): Promise<void> {
  const record = await parts.stores.capsules.get(message.capsule_uuid);
  if (!record || record.host_id !== parts.hostId || record.generation !== message.generation) return;
  if (message.kind === "create_capsule" && record.task_state === "creating") await createCapsuleHere(record, parts);
  if (message.kind === "delete_capsule" && record.task_state === "deleting") await deleteCapsuleHere(record, parts);
}

/**
 * Builds the capsule: its images, volumes and sandbox, then each init
 * container run to completion in order (one that fails fails the capsule,
 * with its reason), then its containers started. Every step is recorded, and
 * a redelivered create reuses what the last one made.
 */
async function createCapsuleHere(initial: CapsuleRecord, parts: CapsuleParts): Promise<void> {
  const { docker, deployment } = parts;
  let capsule = initial;
  const record = async (changes: Partial<CapsuleRecord>) => {
    const next = { ...capsule, ...changes };
    if (!(await parts.stores.capsules.recordProgress(capsule, changes))) throw new Superseded();
    capsule = next;
  };
  const setMember = (list: MemberList, index: number, changes: Partial<CapsuleMember>) =>
    record(withMember(capsule, list, index, changes));
  try {
    await ensureImage(docker, parts.sandbox.image, "ifnotpresent", () => undefined);
    for (const member of [...capsule.init_containers, ...capsule.containers])
      await ensureImage(docker, member.image, member.image_pull_policy, () => undefined);
    await ensureCapsuleVolumes(docker, capsule, deployment);
    const network = await ensureProjectNetwork(docker, deployment, capsule.project_id);
    const sandboxId = await ensureSandbox(docker, capsule, { network, ...parts.sandbox, deployment });
    await docker.start(sandboxId);
    await record({
      sandbox_id: sandboxId,
      addresses: networkAddressesOf((await docker.inspect(sandboxId)) ?? {}) ?? null,
    });
    for (const [index, member] of capsule.init_containers.entries()) {
      const id = await ensureMember(docker, capsule, member, { sandboxId, init: true, deployment });
      const seen = await docker.inspect(id);
      const done = seen?.State?.Status === "exited" && seen.State.ExitCode === 0;
      if (!done) await docker.start(id);
      await setMember("init_containers", index, { container_id: id, status: Status.Running });
      const code = done ? 0 : await docker.wait(id, parts.initTimeoutMs);
      if (code !== 0) {
        // One write: the capsule is never seen Error without its reason.
        const reason = `init container ${member.name} exited with code ${code}`;
        await record({
          ...withMember(capsule, "init_containers", index, {
            status: Status.Error,
            status_reason: reason,
            exit_code: code,
          }),
          status_reason: reason,
          task_state: null,
        });
        return;
      }
      await setMember("init_containers", index, { status: Status.Stopped, exit_code: 0 });
    }
    for (const [index, member] of capsule.containers.entries()) {
      const id = await ensureMember(docker, capsule, member, { sandboxId, init: false, deployment });
      await docker.start(id);
      await setMember("containers", index, { container_id: id, status: Status.Running });
    }
    await record({ task_state: null, status_reason: null });
  } catch (error) {
    if (error instanceof Superseded) return;
    const reason = reasonForUser(error instanceof Error ? error.message : String(error));
    log("warn", "a capsule could not be created", { capsule: capsule.uuid, error });
    await parts.stores.capsules.recordProgress(capsule, {
      status: Status.Error,
      status_reason: reason,
      task_state: null,
    });
  }
}

type MemberList = "init_containers" | "containers";

/** The change to one member of the capsule's list, as a partial record. */
function withMember(
  capsule: CapsuleRecord,
  list: MemberList,
  index: number,
  changes: Partial<CapsuleMember>,
): Partial<CapsuleRecord> {
  return { [list]: capsule[list].map((member, at) => (at === index ? { ...member, ...changes } : member)) };
}

/** Removes every part of the capsule from Docker, then its record with its claim (released once, whoever repeats this). */
async function deleteCapsuleHere(capsule: CapsuleRecord, parts: CapsuleParts): Promise<void> {
  await removeCapsuleParts(parts.docker, capsule.uuid);
  await releaseProjectNetwork(parts.docker, parts.deployment, capsule.project_id);
  const released = await parts.stores.capsules.removeAndRelease(capsule);
  log("info", "capsule deleted", { capsule: capsule.uuid, released });
}
