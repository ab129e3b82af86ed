import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";

export interface PrivateDockerDaemon {
  socket: string;
  docker: Docker;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A Docker daemon of the test's own (its own data root and socket, with
 * live-restore), so a test can restart Docker without disturbing the engine
 * every other test uses.
 */
export async function startPrivateDockerDaemon(name: string, images: Array<{ from: Docker; reference: string }>): Promise<PrivateDockerDaemon> {
  const root = `/tmp/berth-dockerd-${name}`;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const socket = `${root}/docker.sock`;
  let child: ChildProcess | undefined;
  const docker = new Docker({ socketPath: socket });
  const launch = async () => {
    child = spawn(
      "dockerd",
      ["--data-root", `${root}/data`, "--exec-root", `${root}/exec`, "--pidfile", `${root}/dockerd.pid`, "-H", `unix://${socket}`, "--bridge=none", "--iptables=false", "--live-restore"],
      { stdio: "ignore" },
    );
    for (let tries = 0; tries < 150; tries++) {
      if (await docker.ping().then(() => true, () => false)) return;
      await sleep(200);
    }
    throw new Error("the private Docker daemon did not start");
  };
  const halt = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  await launch();
  for (const image of images) {
    const tarball = await image.from.getImage(image.reference).get();
    await docker.loadImage(tarball);
  }
  return {
    socket,
    docker,
    async restart() {
      await halt();
      await launch();
    },
    async stop() {
      for (const container of await docker.listContainers({ all: true }).catch(() => [])) await docker.getContainer(container.Id).remove({ force: true, v: true }).catch(() => undefined);
      await halt();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
