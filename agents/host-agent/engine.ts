import { setTimeout as sleep } from "node:timers/promises";
import { log } from "../../shared/log.ts";
import type { ContainerRecord } from "../../shared/model/container.ts";
import { Status, TaskState } from "../../shared/model/container-status.ts";
import type { ContainerOperation, HostMessage } from "../../shared/queue/host-messages.ts";
import type { SealingKeySource } from "../../shared/registries/sealing-key.ts";
import type { Stores } from "../../shared/store/stores.ts";
import { crashPoint } from "./crash-points.ts";
import { createContainerFor, limitsOf } from "./create-container.ts";
import { DockerOperationError } from "./docker/docker-errors.ts";
import type { DockerPort } from "./docker/docker-port.ts";
import { ensureImage } from "./ensure-image.ts";
import type { HostPortAllocator } from "./host-ports.ts";
import { isPlacedHere } from "./is-placed-here.ts";
import { Operation, type Rescheduler } from "./operation.ts";
import { ensureVolumes, injectBindFiles, removeDockerVolumes } from "./prepare-volumes.ts";
import type { PrivateImages } from "./private-images.ts";
import { ensureProjectNetwork, forgetProjectNetwork, releaseProjectNetwork } from "./project-network.ts";
import { credentialsFor } from "./registry-credentials.ts";

/** What an operation may use besides its own record. */
export interface EngineParts {
  docker: DockerPort;
  stores: Pick<Stores, "actions" | "containers" | "registries">;
  ports: HostPortAllocator;
  deployment: string;
  /** Unseal registry passwords for pulls. */
  secrets: SealingKeySource;
  /** Which credentials proved access to the images pulled here privately. */
  privateImages?: PrivateImages;
  /** Tries a create that failed here, before Docker had its container, on another host (see rescheduleBuild). */
  reschedule?: Rescheduler;
}

type OperationHandler = (op: Operation, parts: EngineParts) => Promise<void>;

/**
 * Turns container operations into Docker calls and writes the outcome back.
 * Every write is conditional on the message's generation, so a duplicate or
 * stale message cannot overwrite newer truth, and a generation whose work has
 * settled is not run again. Failures Docker will not fix by retrying end in
 * `Error` with Docker's reason; transient ones are thrown so the message is
 * redelivered, and on its last delivery the operation fails instead, so a task
 * state is always cleared.
 */
export class Engine {
  /** One ordered chain of work per container; different containers run in parallel. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly parts: EngineParts,
    private readonly hostId: string,
  ) {}

  /** Whether an operation on this container is in flight (or queued) here. */
  isBusy(uuid: string): boolean {
    return this.chains.has(uuid);
  }

  /** Settles once this container's operations in flight here have finished, whatever their outcome. */
  idle(uuid: string): Promise<void> {
    return (this.chains.get(uuid) ?? Promise.resolve()).catch(() => undefined);
  }

  handle(message: HostMessage, isLastDelivery = false): Promise<void> {
    const previous = this.chains.get(message.container_uuid) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.run(message, isLastDelivery));
    this.chains.set(message.container_uuid, next);
    void next
      .finally(() => {
        if (this.chains.get(message.container_uuid) === next) this.chains.delete(message.container_uuid);
      })
      .catch(() => undefined);
    return next;
  }

  private async run(message: HostMessage, isLastDelivery: boolean): Promise<void> {
    const record = await this.parts.stores.containers.get(message.container_uuid);
    const superseded = !record || record.generation !== message.generation || !isPlacedHere(record, this.hostId);
    if (superseded || record.settled_generation >= message.generation) {
      log("info", superseded ? "ignoring a superseded message" : "ignoring a message whose work is done", {
        request_id: message.request_id,
        kind: message.kind,
        container: message.container_uuid,
      });
      return;
    }
    if (!isAcceptedWork(record, message)) {
      log("warn", "refusing work no accepted request asked for", {
        request_id: message.request_id,
        kind: message.kind,
        container: message.container_uuid,
      });
      return;
    }
    const op = new Operation(record, message, this.parts.stores);
    try {
      await OPERATIONS[message.kind](op, this.parts);
    } catch (error) {
      const cause = error instanceof NotCreatedHere ? error.cause : error;
      const retriable = !(cause instanceof DockerOperationError) || cause.retriable;
      if (retriable && !isLastDelivery) throw cause;
      const reason = cause instanceof Error ? cause.message : String(cause);
      if (error instanceof NotCreatedHere) await op.rescheduleOrFail(reason, this.parts.reschedule);
      else await op.fail(reason);
    }
  }
}

/**
 * Whether the message is the work the record says was accepted: the queue is
 * only a doorbell, and only a function that wrote the record (its request
 * accepted, in the same transaction as its action) can have asked for it.
 */
function isAcceptedWork(record: ContainerRecord, message: HostMessage): boolean {
  const accepted = record.pending_message;
  return (
    !!accepted &&
    accepted.request_id === message.request_id &&
    accepted.kind === message.kind &&
    accepted.generation === message.generation
  );
}

const OPERATIONS: Record<ContainerOperation, OperationHandler> = {
  /**
   * Three writes when the image is present: container_creating, the outcome,
   * the action. The Docker id travels with the outcome: a create interrupted
   * before it finds its container again by name.
   */
  async create(op, parts) {
    const { docker } = parts;
    if (!(await ensureImageFor(op, parts))) return;
    crashPoint("create:image_ready");
    if (!(await op.update({ task_state: TaskState.ContainerCreating }))) return;
    const containerId = await createWired(op, parts);
    crashPoint("create:docker_created");
    op.carry({ container_id: containerId });
    if (!op.message.run) return op.succeed({ status: Status.Created });
    await docker.start(containerId);
    crashPoint("create:docker_started");
    await op.settleFromDocker(docker);
  },

  async start(op, { docker }) {
    await docker.start(op.dockerId);
    await op.settleFromDocker(docker);
  },

  async stop(op, { docker }) {
    await docker.stop(op.dockerId, op.message.timeout ?? 10);
    await op.settleFromDocker(docker);
  },

  async reboot(op, { docker }) {
    await docker.restart(op.dockerId, op.message.timeout ?? 10);
    await op.settleFromDocker(docker);
  },

  async pause(op, { docker }) {
    await docker.pause(op.dockerId);
    await op.settleFromDocker(docker);
  },

  async unpause(op, { docker }) {
    await docker.unpause(op.dockerId);
    await op.settleFromDocker(docker);
  },

  async kill(op, { docker }) {
    await docker.kill(op.dockerId, op.message.signal ?? "SIGKILL");
    // Docker answers once the signal is sent; give the process a moment to act on it.
    for (let waited = 0; waited < 2000; waited += 100) {
      const inspected = await docker.inspect(op.dockerId);
      if (!inspected?.State?.Running) break;
      await sleep(100);
    }
    await op.settleFromDocker(docker);
  },

  /** Replaces the Docker container with a new one from the (possibly new) image; the record and its claim stay. */
  async rebuild(op, parts) {
    const { docker } = parts;
    await docker.remove(op.dockerId);
    if (!(await ensureImageFor(op, parts))) return;
    const containerId = await createWired(op, parts);
    if (!(await op.update({ container_id: containerId }))) return;
    if (op.message.run) {
      await docker.start(containerId);
      return op.settleFromDocker(docker);
    }
    await op.succeed({ status: Status.Created });
  },

  async update(op, { docker }) {
    const claim = op.record.claim;
    if (claim) await docker.update(op.dockerId, limitsOf(claim.cpuMillis, claim.memory));
    await op.succeed({ status_reason: op.record.status_reason });
  },

  async delete(op, { docker, stores, deployment }) {
    const inspected = await docker.inspect(op.dockerId);
    if (inspected?.State?.Running && op.message.stop) await docker.stop(op.dockerId, op.message.timeout ?? 10);
    crashPoint("delete:docker_stopped");
    await docker.remove(op.dockerId);
    crashPoint("delete:docker_removed");
    await releaseProjectNetwork(docker, deployment, op.record.project_id);
    const { released, deletedVolumes } = await stores.containers.removeAndRelease(op.record);
    await removeDockerVolumes(docker, deletedVolumes);
    await op.finishAction(
      released ? "Success" : "Error",
      released ? null : "the container changed while it was being deleted",
    );
    await stores.containers.forgetActionsOfDeleted(op.record.uuid);
  },
};

/** Creates the Docker container on its project's network with its ports published, recording which host ports it got. */
async function createWired(op: Operation, { docker, ports, deployment }: EngineParts): Promise<string> {
  await ensureVolumes(docker, op.record, deployment);
  const network = await ensureProjectNetwork(docker, deployment, op.record.project_id);
  const hostPorts = await ports.allocate(
    op.record.uuid,
    Object.keys(op.record.exposed_ports),
    op.record.published_ports,
  );
  if (Object.keys(hostPorts).length > 0 && !(await op.update({ published_ports: hostPorts })))
    throw new Error("superseded while publishing ports");
  let containerId: string;
  try {
    containerId = await createContainerFor(docker, op.record, deployment, { network, hostPorts });
  } catch (error) {
    // The network this agent remembered may have been removed behind its back: look again once.
    if (!(error instanceof DockerOperationError) || error.kind !== "not_found") throw new NotCreatedHere(error);
    forgetProjectNetwork(deployment, op.record.project_id);
    containerId = await createContainerFor(docker, op.record, deployment, {
      network: await ensureProjectNetwork(docker, deployment, op.record.project_id),
      hostPorts,
    }).catch((again) => {
      throw new NotCreatedHere(again);
    });
  }
  await injectBindFiles(docker, containerId, op.record);
  return containerId;
}

/**
 * Makes the container's image present by its pull policy, showing
 * `image_pulling` (and the pull's progress) only while it really pulls.
 * False when the operation ended here: failed with a reason a user can act
 * on, or superseded by a newer request.
 */
async function ensureImageFor(op: Operation, parts: EngineParts): Promise<boolean> {
  const { docker, stores, secrets, privateImages } = parts;
  let superseded = false;
  let unwritten: unknown;
  try {
    await ensureImage(
      docker,
      op.record.image,
      op.record.image_pull_policy,
      (status) => op.progress(status),
      () =>
        credentialsFor(stores, secrets, {
          registryId: op.record.registry_id,
          projectId: op.record.project_id,
          image: op.record.image,
        }),
      async () => {
        try {
          superseded = !(await op.update({ task_state: TaskState.ImagePulling }));
        } catch (error) {
          unwritten = error;
          throw error;
        }
        if (superseded) throw new Error("superseded");
      },
      privateImages,
    );
    return true;
  } catch (error) {
    // A write that failed (not one refused as stale) is worth a redelivery, like any transient failure.
    if (unwritten) throw unwritten;
    // No image here is a failure another host may not have: the create is tried there.
    if (!superseded)
      await op.rescheduleOrFail(error instanceof Error ? error.message : String(error), parts.reschedule);
    return false;
  }
}

/** Docker refused to create the container on this host: nothing of it exists here, so another host may try. */
class NotCreatedHere extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
