import { log } from "../../shared/log.ts";
import type { CapsuleMember } from "../../shared/model/capsule.ts";
import { Status, statusFromDockerState } from "../../shared/model/container-status.ts";
import type { Stores } from "../../shared/store/stores.ts";
import type { DockerPort } from "./docker/docker-port.ts";

/**
 * Keeps a built capsule's containers' statuses (and so the capsule's) in line
 * with Docker after its create: a container that exits or is killed shows as
 * Stopped with its exit code. One look at a time per capsule; a capsule whose
 * create or delete is still in flight is left to that work, which records its
 * own steps.
 */
export class CapsuleStatusFollower {
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly docker: DockerPort,
    private readonly stores: Pick<Stores, "capsules">,
    private readonly hostId: string,
  ) {}

  follow(capsuleUuid: string): Promise<void> {
    const next = (this.pending.get(capsuleUuid) ?? Promise.resolve())
      .then(() => this.sync(capsuleUuid))
      .catch((error) => log("warn", "could not follow a capsule's containers", { capsule: capsuleUuid, error }));
    this.pending.set(capsuleUuid, next);
    void next.finally(() => {
      if (this.pending.get(capsuleUuid) === next) this.pending.delete(capsuleUuid);
    });
    return next;
  }

  private async sync(capsuleUuid: string): Promise<void> {
    const capsule = await this.stores.capsules.get(capsuleUuid);
    if (!capsule || capsule.host_id !== this.hostId || capsule.task_state !== null) return;
    const containers = await Promise.all(capsule.containers.map((member) => this.observe(member)));
    if (JSON.stringify(containers) === JSON.stringify(capsule.containers)) return;
    await this.stores.capsules.recordProgress(capsule, { containers });
  }

  private async observe(member: CapsuleMember): Promise<CapsuleMember> {
    if (!member.container_id) return member;
    const seen = await this.docker.inspect(member.container_id);
    if (!seen) return { ...member, status: Status.Error, status_reason: "No such container", exit_code: null };
    const status = statusFromDockerState(seen.State ?? {});
    const exited = status === Status.Stopped || status === Status.Dead;
    return { ...member, status, exit_code: exited ? (seen.State?.ExitCode ?? null) : null };
  }
}
