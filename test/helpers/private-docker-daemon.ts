import { type ChildProcess, spawn, spawnSync } from "node:child_process";
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
export async function startPrivateDockerDaemon(
  name: string,
  images: Array<{ from: Docker; reference: string }>,
): Promise<PrivateDockerDaemon> {
  const root = `/tmp/berth-dockerd-${name}`;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  // A default bridge of its own: with --bridge=none a daemon deletes docker0, which the main engine needs.
  const bridge = `bd${name.replace(/[^a-z0-9]/g, "").slice(-10)}`;
  run("ip", ["link", "add", "name", bridge, "type", "bridge"]);
  // A subnet of its own too, so two test files' daemons can run side by side.
  const subnet = 200 + ([...name].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7) % 50);
  run("ip", ["addr", "add", `172.31.${subnet}.1/24`, "dev", bridge]);
  run("ip", ["link", "set", bridge, "up"]);
  const socket = `${root}/docker.sock`;
  let child: ChildProcess | undefined;
  const docker = new Docker({ socketPath: socket });
  const launch = async () => {
    child = spawn(
      "dockerd",
      [
        "--data-root",
        `${root}/data`,
        "--exec-root",
        `${root}/exec`,
        "--pidfile",
        `${root}/dockerd.pid`,
        "-H",
        `unix://${socket}`,
        "--bridge",
        bridge,
        "--iptables=false",
        "--live-restore",
        // Networks from an address range of its own, not the defaults the main engine and other daemons draw from.
        "--default-address-pool",
        `base=10.${subnet}.0.0/16,size=24`,
      ],
      { stdio: "ignore" },
    );
    for (let tries = 0; tries < 150; tries++) {
      if (
        await docker.ping().then(
          () => true,
          () => false,
        )
      )
        return;
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
      for (const container of await docker.listContainers({ all: true }).catch(() => []))
        await docker
          .getContainer(container.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined);
      // A stopped daemon leaves its networks' bridges behind in the kernel: remove the networks first.
      for (const network of await docker.listNetworks().catch(() => [])) {
        if (!["bridge", "host", "none"].includes(network.Name))
          await docker
            .getNetwork(network.Id)
            .remove()
            .catch(() => undefined);
      }
      await halt();
      run("ip", ["link", "delete", bridge]);
      // dockerd bind-mounts its data root onto itself and leaves the mount behind when it stops: let it go.
      spawnSync("umount", ["--lazy", `${root}/data`], { stdio: "ignore" });
      // The daemon's mounts can outlive it for a moment; a leftover folder in /tmp is harmless.
      try {
        rmSync(root, { recursive: true, force: true });
      } catch {
        // left for the machine's /tmp cleanup
      }
    },
  };
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0 && !/File exists|Cannot find device/.test(result.stderr))
    throw new Error(`${command} ${args.join(" ")}: ${result.stderr}`);
}
