import { type Duplex, Writable } from "node:stream";
import { log } from "../../../shared/log.ts";
import type { SessionOpening } from "../../../shared/queue/host-messages.ts";
import type { Stores } from "../../../shared/store/stores.ts";
import { dockerIdOf } from "../docker/container-name.ts";
import type { DockerPort } from "../docker/docker-port.ts";
import { pendingExecSizes } from "./pending-sizes.ts";
import { sessionMembers, signalAll } from "./session-processes.ts";

/** How long an exec's process may take to go after its session ends before it is killed. */
const EXEC_EXIT_GRACE_MS = 1_000;
/** The relay answers an agent's connection at once or not at all; the queue's work slot is not held longer. */
const RELAY_CONNECT_MS = 10_000;

/**
 * The agent's side of interactive sessions: for each, it connects out to the
 * relay (hosts need no inbound access) and bridges that websocket to Docker's
 * attach or exec stream, raw TTY bytes both ways. A session ends when either
 * side closes, when it is idle too long or reaches its end; then the Docker
 * stream is closed and an exec's process that is still running is killed.
 */
export class SessionBridges {
  private readonly bridged = new Map<string, () => void>();

  constructor(
    private readonly docker: DockerPort,
    private readonly stores: Pick<Stores, "containers">,
    private readonly hostId: string,
  ) {}

  /** Sessions bridged now: what teardown must bring back to zero. */
  get active(): number {
    return this.bridged.size;
  }

  /** Returns once the bridge is set up (or refused); the session then runs on its own. */
  async open(message: SessionOpening): Promise<void> {
    if (this.bridged.has(message.session_id) || Date.now() > message.end_by) return;
    const record = await this.stores.containers.get(message.container_uuid);
    if (!record || record.host_id !== this.hostId) {
      log("warn", "session for a container not on this host", {
        session_id: message.session_id,
        container_uuid: message.container_uuid,
      });
      return;
    }
    const dockerId = dockerIdOf(record);
    const socket = new WebSocket(message.agent_url);
    socket.binaryType = "arraybuffer";
    let stream: Duplex | undefined;
    let ended = false;
    let idle: NodeJS.Timeout | undefined;
    const end = (why: string) => {
      if (ended) return;
      ended = true;
      this.bridged.delete(message.session_id);
      clearTimeout(idle);
      clearTimeout(deadline);
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
        socket.close(1000, why.slice(0, 100));
      stream?.destroy();
      if (message.exec_id) void this.stopExec(message.exec_id, message.session_id);
      log("info", "session bridge closed", { session_id: message.session_id, why });
    };
    const touch = () => {
      if (ended) return;
      clearTimeout(idle);
      idle = setTimeout(() => end(`idle for ${message.idle_seconds} s`), message.idle_seconds * 1000);
    };
    const deadline = setTimeout(() => end("maximum session length reached"), Math.max(0, message.end_by - Date.now()));
    this.bridged.set(message.session_id, () => end("agent stopping"));
    touch();
    // Keystrokes may arrive while Docker's stream is still being opened: they wait for it, in order.
    const early: Buffer[] = [];
    socket.addEventListener("message", (frame) => {
      touch();
      const data =
        typeof frame.data === "string" ? Buffer.from(frame.data, "utf8") : Buffer.from(frame.data as ArrayBuffer);
      if (stream) stream.write(data);
      else early.push(data);
    });
    socket.addEventListener("close", () => end("relay closed"));
    socket.addEventListener("error", () => end("relay connection failed"));
    await new Promise<void>((resolve) => {
      const late = setTimeout(() => {
        end("the relay did not answer");
        resolve();
      }, RELAY_CONNECT_MS);
      const settle = () => {
        clearTimeout(late);
        resolve();
      };
      socket.addEventListener("open", settle, { once: true });
      socket.addEventListener("close", settle, { once: true });
    });
    if (ended) return;
    try {
      stream = await this.dockerStream(dockerId, message.exec_id);
    } catch (error) {
      log("warn", "session could not reach Docker", { session_id: message.session_id, error });
      return end("docker stream failed");
    }
    if (ended) return void stream.destroy();
    const toRelay = new Writable({
      write(chunk: Buffer, _encoding, done) {
        touch();
        if (socket.readyState === WebSocket.OPEN) socket.send(chunk);
        done();
      },
    });
    if (message.exec_id || record.tty) stream.pipe(toRelay);
    else this.docker.demultiplex(stream, toRelay, toRelay);
    stream.on("end", () => end("docker stream ended"));
    stream.on("close", () => end("docker stream closed"));
    stream.on("error", () => end("docker stream failed"));
    for (const data of early.splice(0)) stream.write(data);
  }

  /** Ends every session, as the agent stops. */
  closeAll(): void {
    for (const end of [...this.bridged.values()]) end();
  }

  private async dockerStream(dockerId: string, execId: string | undefined): Promise<Duplex> {
    if (execId) {
      const inspected = await this.docker.inspectExec(execId);
      const container = await this.docker.inspect(dockerId);
      if (!container || inspected.ContainerID !== container.Id)
        throw new Error(`exec ${execId} is not of container ${dockerId}`);
      const stream = await this.docker.startExec(execId, { stdin: true, tty: true });
      const size = pendingExecSizes.get(execId);
      pendingExecSizes.delete(execId);
      if (size) await this.docker.resizeExec(execId, size).catch(() => undefined);
      return stream;
    }
    return this.docker.attach(dockerId);
  }

  /** No exec outlives its session: its terminal session's processes are hung up, then killed. */
  private async stopExec(execId: string, sessionId: string): Promise<void> {
    const deadline = Date.now() + EXEC_EXIT_GRACE_MS;
    try {
      const { Pid: leader } = await this.docker.inspectExec(execId);
      if (!leader) return;
      signalAll(await sessionMembers(leader), "SIGHUP");
      for (;;) {
        const members = await sessionMembers(leader);
        if (members.length === 0) return;
        if (Date.now() > deadline) {
          signalAll(members, "SIGKILL");
          log("info", "killed an exec's processes that outlived its session", {
            session_id: sessionId,
            exec_id: execId,
            pids: members,
          });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } catch (error) {
      log("warn", "could not stop a session's exec", { session_id: sessionId, exec_id: execId, error });
    }
  }
}
