import { setTimeout as sleep } from "node:timers/promises";
import { log } from "../../shared/log.ts";
import type { Stores } from "../../shared/store/stores.ts";
import type { DockerPort } from "./docker/docker-port.ts";
import { isPlacedHere } from "./is-placed-here.ts";
import { type Healer, syncStatusFromDocker } from "./sync-status.ts";

const EVENTS = ["start", "die", "oom", "kill", "stop", "pause", "unpause", "restart", "health_status", "destroy"];

/**
 * Follows Docker's event stream for this deployment's containers and brings
 * each one's record in line as soon as something happens to it (a process
 * exits, is killed for memory, restarts, turns unhealthy). Reconnects when the
 * stream ends, e.g. while the Docker daemon restarts.
 */
export class DockerEventFollower {
  private stopped = false;
  private stream: NodeJS.ReadableStream | undefined;
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly hostId: string,
    private readonly docker: DockerPort,
    private readonly stores: Pick<Stores, "containers">,
    private readonly deployment: string,
    private readonly heal: Healer,
    /** The engine's view of which containers have operations in flight here. */
    private readonly operations: { isBusy(uuid: string): boolean; idle(uuid: string): Promise<void> },
    /** Called when the stream is back after breaking, to catch up on what it missed (e.g. a daemon restart). */
    private readonly onReconnect: () => Promise<void>,
    /** Told of events about a capsule's containers, which have no record of their own. */
    private readonly capsules?: { follow(capsuleUuid: string): unknown },
  ) {}

  start(): void {
    void this.follow();
  }

  stop(): void {
    this.stopped = true;
    (this.stream as unknown as { destroy?: () => void })?.destroy?.();
  }

  private async follow(): Promise<void> {
    let broken = false;
    while (!this.stopped) {
      try {
        const stream = await this.docker.events({
          type: ["container"],
          event: EVENTS,
          label: [`berth.deployment=${this.deployment}`],
        });
        this.stream = stream;
        if (broken) {
          log("info", "the Docker event stream is back; catching up");
          await this.onReconnect().catch((error) =>
            log("warn", "catching up after the event stream broke failed", { error }),
          );
        }
        broken = true;
        await this.read(stream);
      } catch (error) {
        if (!this.stopped) log("warn", "the Docker event stream failed; reconnecting", { error });
      }
      if (!this.stopped) await sleep(1000);
    }
  }

  private read(stream: NodeJS.ReadableStream): Promise<void> {
    return new Promise((resolve, reject) => {
      let buffered = "";
      stream.on("data", (chunk: Buffer) => {
        buffered += chunk.toString("utf8");
        let newline = buffered.indexOf("\n");
        while (newline >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) this.onEvent(line);
          newline = buffered.indexOf("\n");
        }
      });
      stream.on("end", resolve);
      stream.on("close", resolve);
      stream.on("error", reject);
    });
  }

  private onEvent(line: string): void {
    let uuid: string | undefined;
    let action: string | undefined;
    let capsule: string | undefined;
    try {
      const event = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
      uuid = event.Actor?.Attributes?.["berth.uuid"];
      capsule = event.Actor?.Attributes?.["berth.capsule"];
      action = event.Action;
    } catch {
      return;
    }
    if (capsule && action !== "destroy") void this.capsules?.follow(capsule);
    if (!uuid) return;
    // A start the engine is making records itself, from Docker, when it settles.
    if (action === "start" && this.operations.isBusy(uuid)) return;
    // One sync per container at a time, after any operation in flight (whose record it would otherwise skip):
    // an event during a sync is covered by the sync after it.
    const previous = this.pending.get(uuid) ?? Promise.resolve();
    const next = previous.then(() => this.operations.idle(uuid!)).then(() => this.sync(uuid!));
    this.pending.set(uuid, next);
    void next.finally(() => {
      if (this.pending.get(uuid!) === next) this.pending.delete(uuid!);
    });
  }

  private async sync(uuid: string): Promise<void> {
    try {
      // An event about a copy the records place elsewhere (a stale one being removed) says nothing about the real one.
      const record = await this.stores.containers.get(uuid);
      if (isPlacedHere(record, this.hostId))
        await syncStatusFromDocker(record, this.hostId, this.docker, this.stores, this.heal);
    } catch (error) {
      log("warn", "could not follow a Docker event", { container: uuid, error });
    }
  }
}
