import { log } from "../../shared/log.ts";
import type { ContainerRecord } from "../../shared/model/container.ts";
import { Status, statusFromDockerState } from "../../shared/model/container-status.ts";
import type { HostMessage } from "../../shared/queue/host-messages.ts";
import { failOperation } from "../../shared/reconcile/fail-operation.ts";
import type { BuildReschedule } from "../../shared/scheduling/reschedule-build.ts";
import type { ActionEvent, ActionResult } from "../../shared/store/actions.ts";
import type { Stores } from "../../shared/store/stores.ts";
import { dockerIdOf } from "./docker/container-name.ts";
import type { DockerPort } from "./docker/docker-port.ts";
import { networkAddressesOf } from "./network-addresses.ts";
import { reasonForUser } from "./reason-for-user.ts";

/**
 * One message's work on one container: its conditional writes (each only if no
 * newer request has been accepted) and the event it adds to the action log.
 */
export class Operation {
  private readonly startedAt = new Date().toISOString();

  constructor(
    public record: ContainerRecord,
    readonly message: HostMessage,
    private readonly stores: Pick<Stores, "actions" | "containers">,
  ) {}

  /** Docker's name for the container: its id once known, else the name Berth gave it. */
  get dockerId(): string {
    return dockerIdOf(this.record);
  }

  /** Fields known now but written with the operation's next write (one round trip fewer). */
  private carried: Partial<ContainerRecord> = {};

  carry(changes: Partial<ContainerRecord>): void {
    this.carried = { ...this.carried, ...changes };
    this.record = { ...this.record, ...changes };
  }

  async update(changes: Partial<ContainerRecord>): Promise<boolean> {
    const all = { ...this.carried, ...changes };
    const written = await this.stores.containers.recordOutcome(
      this.record.uuid,
      this.message.generation,
      all,
      this.message,
    );
    if (written) {
      this.record = { ...this.record, ...all };
      this.carried = {};
    } else
      log("info", "a newer request superseded this operation", {
        request_id: this.message.request_id,
        container: this.record.uuid,
      });
    return written;
  }

  async progress(status: string): Promise<void> {
    await this.update({ status_reason: `image_pulling: ${status}` }).catch(() => undefined);
  }

  /** Reads what Docker now says and records it as the operation's outcome. */
  async settleFromDocker(docker: DockerPort): Promise<void> {
    const inspected = await docker.inspect(this.dockerId);
    if (!inspected) return this.fail(`${this.message.kind}: the Docker container ${this.dockerId} no longer exists`);
    const state = inspected.State;
    const status = statusFromDockerState(inspected.State);
    const expectedToStop = this.message.kind === "stop" || this.message.kind === "kill";
    const reason =
      status === Status.Stopped && !expectedToStop
        ? `exited with code ${state.ExitCode}${state.Error ? `: ${state.Error}` : ""}`
        : null;
    const addresses = networkAddressesOf(inspected);
    if (await this.settle({ status, status_reason: reason, ...(addresses ? { addresses } : {}) }))
      await this.finishAction("Success", null);
  }

  async succeed(changes: Partial<ContainerRecord> = {}): Promise<void> {
    if (await this.settle({ status_reason: null, ...changes })) await this.finishAction("Success", null);
  }

  /** Ends the operation in `Error` through the path the reconciler uses too: a create Docker never had gives back its claim. */
  async fail(reason: string): Promise<void> {
    if (reason !== reasonForUser(reason))
      log("info", "an operation failed", { request_id: this.message.request_id, container: this.record.uuid, reason });
    const failed = await failOperation(this.record, reasonForUser(reason), this.stores, {
      work: this.message,
      startedAt: this.startedAt,
      changes: this.carried,
    });
    if (!failed)
      log("info", "a newer request or outcome superseded this failure", {
        request_id: this.message.request_id,
        container: this.record.uuid,
        reason,
      });
  }

  /**
   * A create that failed here before Docker had its container is tried on
   * another host when one can take it (the host that takes it finishes the
   * operation); anything else, or with no host to take it, fails as usual.
   */
  async rescheduleOrFail(reason: string, reschedule?: Rescheduler): Promise<void> {
    if (this.message.kind !== "create" || !reschedule) return this.fail(reason);
    const outcome = await reschedule(this.record, reasonForUser(reason));
    if (!outcome.moved) return this.fail(outcome.reason);
    log("info", "a create that failed here was rescheduled", {
      request_id: this.message.request_id,
      container: this.record.uuid,
      to_host: outcome.host.hostname,
      reason,
    });
  }

  /** The operation's last write: clears the task state and marks this generation's work done. */
  private settle(changes: Partial<ContainerRecord>): Promise<boolean> {
    return this.update({ ...changes, task_state: null, settled_generation: this.message.generation });
  }

  async finishAction(result: ActionResult, traceback: string | null): Promise<void> {
    const event: ActionEvent = {
      event: `compute__do_container_${this.message.kind}`,
      start_time: this.startedAt,
      finish_time: new Date().toISOString(),
      result,
      traceback,
    };
    await this.stores.actions
      .record(this.record.uuid, this.message.request_id, event, { message: traceback })
      .catch((error) => {
        log("warn", "could not record the action event", { request_id: this.message.request_id, error });
      });
  }
}

/** Places a create that failed on this host on another one (see rescheduleBuild in shared/scheduling/). */
export type Rescheduler = (record: ContainerRecord, failure: string) => Promise<BuildReschedule>;
