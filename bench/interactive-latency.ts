import type { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { startLocalStack } from "../local/stack.ts";
import { ensureTestImage, TEST_IMAGE } from "../local/test-image.ts";
import { readConfig } from "../shared/config.ts";
import { storesFor } from "../shared/store/stores.ts";
import { openSession } from "../test/helpers/websocket-session.ts";
import { median, percentile } from "./stats.ts";

const HEADERS = {
  "x-auth-token": "berth-dev-admin",
  "openstack-api-version": "container 1.40",
  "content-type": "application/json",
};

/**
 * Keystroke round trip: one byte typed into an interactive exec of `cat` and
 * its TTY echo back, through Berth's relay (client → relay → agent → Docker
 * and back), against `docker exec -it` through the Docker API on the same
 * container. Samples alternate so the machine's noise falls on both alike.
 */
export async function benchInteractiveLatency(samples: number) {
  const docker = new Docker({ socketPath: "/var/run/docker.sock" });
  await ensureTestImage(docker);
  const stack = await startLocalStack({
    stage: `bench${Date.now().toString(36)}`,
    agents: 1,
    scheduleEverySeconds: 0,
    agentOutput: "ignore",
    environment: { BERTH_QUIET: "1" },
  });
  const stores = storesFor(readConfig());
  try {
    while ((await stores.hosts.list()).length === 0) await sleep(100);
    const created = await (
      await fetch(`${stack.apiUrl}/v1/containers?run=true`, {
        method: "POST",
        headers: HEADERS,
        body: JSON.stringify({
          image: TEST_IMAGE,
          command: ["sh"],
          interactive: true,
          tty: true,
          cpu: 0.1,
          memory: 32,
        }),
      })
    ).json();
    while ((await stores.containers.get(created.uuid))?.status !== "Running") await sleep(100);
    const exec = await (
      await fetch(`${stack.apiUrl}/v1/containers/${created.uuid}/execute?command=cat&interactive=true&run=false`, {
        method: "POST",
        headers: HEADERS,
      })
    ).json();
    const session = await openSession(exec.proxy_url);
    const floor = await dockerExecCat(docker, `berth-${created.uuid}`);
    const viaBerth: number[] = [];
    const viaDocker: number[] = [];
    for (let sample = -10; sample < samples; sample++) {
      const key = String.fromCharCode(97 + ((sample + 10) % 26));
      const berth = await roundTrip(
        key,
        (text) => session.send(text),
        () => session.output(),
      );
      const direct = await floor.roundTrip(key);
      if (sample >= 0) {
        viaBerth.push(berth);
        viaDocker.push(direct);
      }
    }
    session.socket.close();
    floor.close();
    const row = (name: string, values: number[]) =>
      `  ${name.padEnd(32)} median ${median(values).toFixed(2).padStart(7)} ms  p99 ${percentile(values, 0.99).toFixed(2).padStart(7)} ms`;
    console.log(`\nKeystroke round trip over ${samples} echoes (one byte, TTY echo of cat)`);
    console.log(row("Berth relay (local stack)", viaBerth));
    console.log(row("docker exec -it (Docker API)", viaDocker));
    console.log(
      `  ratio Berth / Docker: median ${(median(viaBerth) / median(viaDocker)).toFixed(1)}x, p99 ${(percentile(viaBerth, 0.99) / percentile(viaDocker, 0.99)).toFixed(1)}x`,
    );
  } finally {
    await stack.stop();
    for (const container of await docker.listContainers({
      all: true,
      filters: { label: [`berth.deployment=${process.env.BERTH_TABLE}`] },
    })) {
      await docker
        .getContainer(container.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
    for (const network of await docker.listNetworks({
      filters: { label: [`berth.deployment=${process.env.BERTH_TABLE}`] },
    }))
      await docker
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined);
  }
}

async function roundTrip(key: string, send: (text: string) => void, output: () => string): Promise<number> {
  const before = output().length;
  const started = performance.now();
  send(key);
  while (!output().slice(before).includes(key)) {
    if (performance.now() - started > 5000) throw new Error(`no echo of ${key} within 5 s`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - started;
}

async function dockerExecCat(docker: Docker, container: string) {
  const exec = await docker
    .getContainer(container)
    .exec({ Cmd: ["cat"], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  let received = "";
  stream.on("data", (chunk: Buffer) => (received += chunk.toString("utf8")));
  return {
    async roundTrip(key: string): Promise<number> {
      const before = received.length;
      const started = performance.now();
      stream.write(key);
      while (!received.slice(before).includes(key)) await new Promise((resolve) => setImmediate(resolve));
      return performance.now() - started;
    },
    close: () => stream.destroy(),
  };
}
