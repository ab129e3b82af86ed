import type { ContainerRecord } from "../../shared/containers/record.ts";
import { Status, statusFromDockerState, TaskState } from "../../shared/containers/statuses.ts";
import { log } from "../../shared/log.ts";
import type { HostMessage } from "../../shared/queue/host-messages.ts";
import type { ActionEvent } from "../../shared/store/actions.ts";
import type { Stores } from "../../shared/store/stores.ts";
import { DockerOperationError, dockerNameOf, type DockerDriver } from "./docker-driver.ts";
import { ensureImage } from "./ensure-image.ts";

/**
 * Turns one host message into Docker operations and writes the outcome back.
 * Every write is conditional on the message's generation, so a duplicate or
 * stale message cannot overwrite newer truth. Failures Docker will not fix by
 * retrying end in `Error` with Docker's reason; transient ones are thrown so
 * the message is redelivered.
 */
export class Engine {
  /** One ordered chain of work per container; different containers run in parallel. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly docker: DockerDriver, private readonly stores: Stores, private readonly hostId: string) {}

  handle(message: HostMessage): Promise<void> {
    const previous = this.chains.get(message.container_uuid) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.run(message));
    this.chains.set(message.container_uuid, next);
    void next.finally(() => {
      if (this.chains.get(message.container_uuid) === next) this.chains.delete(message.container_uuid);
    }).catch(() => undefined);
    return next;
  }

  private async run(message: HostMessage): Promise<void> {
    const record = await this.stores.containers.get(message.container_uuid);
    const superseded = !record || record.generation !== message.generation || record.host_id !== this.hostId;
    if (superseded || record.settled_generation >= message.generation) {
      log("info", superseded ? "ignoring a superseded message" : "ignoring a message whose work is done", { request_id: message.request_id, kind: message.kind, container: message.container_uuid });
      return;
    }
    const operation = new Operation(record, message, this.stores);
    try {
      if (message.kind === "create") await this.create(operation, message.run ?? false);
      else if (message.kind === "start") await this.start(operation);
      else if (message.kind === "stop") await this.stop(operation, message.timeout ?? 10);
      else if (message.kind === "delete") await this.remove(operation);
    } catch (error) {
      if (error instanceof DockerOperationError && !error.retriable) {
        await operation.fail(error.message);
        return;
      }
      throw error;
    }
  }

  private async create(op: Operation, run: boolean): Promise<void> {
    if (!(await op.update({ task_state: TaskState.ImagePulling }))) return;
    try {
      await ensureImage(this.docker, op.record.image, op.record.image_pull_policy, (status) => op.progress(status));
    } catch (error) {
      return op.fail(error instanceof Error ? error.message : String(error));
    }
    if (!(await op.update({ task_state: TaskState.ContainerCreating }))) return;
    const containerId = await this.docker.createContainer(op.record);
    if (!(await op.update({ status: Status.Created, container_id: containerId, task_state: run ? TaskState.ContainerStarting : null }))) return;
    if (!run) return op.succeed();
    await this.docker.start(containerId);
    await op.settleFromDocker(this.docker, containerId, "create");
  }

  private async start(op: Operation): Promise<void> {
    const id = op.record.container_id ?? dockerNameOf(op.record.uuid);
    await this.docker.start(id);
    await op.settleFromDocker(this.docker, id, "start");
  }

  private async stop(op: Operation, timeout: number): Promise<void> {
    const id = op.record.container_id ?? dockerNameOf(op.record.uuid);
    await this.docker.stop(id, timeout);
    await op.settleFromDocker(this.docker, id, "stop");
  }

  private async remove(op: Operation): Promise<void> {
    await this.docker.remove(op.record.container_id ?? dockerNameOf(op.record.uuid));
    const released = await this.stores.containers.removeAndRelease(op.record);
    await op.finishAction(released ? "Success" : "Error", released ? null : "the container changed while it was being deleted");
  }
}

/** One message's work on one container: its conditional writes and its action events. */
class Operation {
  private readonly startedAt = new Date().toISOString();

  constructor(public record: ContainerRecord, private readonly message: HostMessage, private readonly stores: Stores) {}

  async update(changes: Partial<ContainerRecord>): Promise<boolean> {
    const written = await this.stores.containers.recordOutcome(this.record.uuid, this.message.generation, changes);
    if (written) this.record = { ...this.record, ...changes };
    else log("info", "a newer request superseded this operation", { request_id: this.message.request_id, container: this.record.uuid });
    return written;
  }

  async progress(status: string): Promise<void> {
    await this.update({ status_reason: `image_pulling: ${status}` }).catch(() => undefined);
  }

  /** Reads what Docker now says and records it as the operation's outcome. */
  async settleFromDocker(docker: DockerDriver, id: string, verb: string): Promise<void> {
    const inspected = await docker.inspect(id);
    if (!inspected) return this.fail(`${verb}: the Docker container ${id} no longer exists`);
    const state = inspected.State as { ExitCode?: number; Error?: string };
    const status = statusFromDockerState(inspected.State);
    const reason = status === Status.Stopped && verb !== "stop" ? `exited with code ${state.ExitCode}${state.Error ? `: ${state.Error}` : ""}` : null;
    if (await this.settle({ status, status_reason: reason })) await this.finishAction("Success", null);
  }

  async succeed(): Promise<void> {
    if (await this.settle({ status_reason: null })) await this.finishAction("Success", null);
  }

  /** The operation's last write: clears the task state and marks this generation's work done. */
  settle(changes: Partial<ContainerRecord>): Promise<boolean> {
    return this.update({ ...changes, task_state: null, settled_generation: this.message.generation });
  }

  async fail(reason: string): Promise<void> {
    log("warn", "operation failed", { request_id: this.message.request_id, kind: this.message.kind, container: this.record.uuid, reason });
    await this.settle({ status: Status.Error, status_reason: reason });
    await this.finishAction("Error", reason);
  }

  async finishAction(result: "Success" | "Error", traceback: string | null): Promise<void> {
    const event: ActionEvent = {
      event: `compute__do_container_${this.message.kind}`,
      start_time: this.startedAt,
      finish_time: new Date().toISOString(),
      result,
      traceback,
    };
    await this.stores.actions.record(this.record.uuid, this.message.request_id, event, { message: traceback }).catch((error) => {
      log("warn", "could not record the action event", { request_id: this.message.request_id, error });
    });
  }
}
