import { log } from "../../shared/log.ts";
import type { HostStore } from "../../shared/store/hosts.ts";

/** Tells the control plane this host is alive; re-registers if its record has gone. */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hosts: HostStore,
    private readonly hostId: string,
    private readonly everySeconds: number,
    private readonly reregister: () => Promise<unknown>,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.beat(), this.everySeconds * 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async beat(): Promise<void> {
    try {
      await this.hosts.heartbeat(this.hostId);
    } catch (error) {
      if ((error as { name?: string }).name === "ConditionalCheckFailedException")
        await this.reregister().catch((cause) => log("error", "re-registration failed", { error: cause }));
      else log("warn", "heartbeat failed", { error });
    }
  }
}
