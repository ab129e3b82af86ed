import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";

export interface LocalRegistry {
  domain: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

/**
 * A private registry on loopback (Debian's docker-registry, with htpasswd
 * auth), holding `images` pushed from the local Docker engine, so pulls with
 * credentials are tested for real without reaching any outside registry.
 */
export async function startLocalRegistry(
  docker: Docker,
  images: Array<{ from: string; repo: string; tag: string }>,
): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "berth-registry-"));
  const port = await freePort();
  const username = "berth";
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const htpasswd = spawnSync("htpasswd", ["-Bbn", username, password], { encoding: "utf8" });
  if (htpasswd.status !== 0) throw new Error(`htpasswd failed (apt-get install apache2-utils): ${htpasswd.stderr}`);
  writeFileSync(join(dir, "htpasswd"), htpasswd.stdout);
  writeFileSync(
    join(dir, "config.yml"),
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\nauth:\n  htpasswd:\n    realm: berth\n    path: ${dir}/htpasswd\n`,
  );
  const child: ChildProcess = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: "ignore" });
  const domain = `127.0.0.1:${port}`;
  for (let tries = 0; tries < 100; tries++) {
    if (
      await fetch(`http://${domain}/v2/`).then(
        (r) => r.status === 401,
        () => false,
      )
    )
      break;
    await sleep(100);
  }
  const auth = { username, password, serveraddress: domain };
  for (const image of images) {
    const target = `${domain}/${image.repo}`;
    await docker.getImage(image.from).tag({ repo: target, tag: image.tag });
    const stream = await docker.getImage(`${target}:${image.tag}`).push({ authconfig: auth });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
        const failed = output?.find((event) => event.error);
        if (error || failed) reject(error ?? new Error(failed!.error));
        else resolve();
      }),
    );
    await docker.getImage(`${target}:${image.tag}`).remove();
  }
  return {
    domain,
    username,
    password,
    async stop() {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
