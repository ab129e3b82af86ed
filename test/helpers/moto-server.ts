import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PROJECT_ROOT } from "../../local/serverless-config.ts";
import { freePorts } from "./dev-process.ts";
import { ensurePythonVenv } from "./python-venv.ts";

export interface MotoServer {
  /** e.g. http://127.0.0.1:20123: give it as AWS_ENDPOINT_URL_SSM. */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * moto's server (pinned in moto-requirements.txt, installed from PyPI into
 * `.berth/moto-venv`) on a loopback port of its own: a real wire-protocol
 * implementation of the AWS APIs the emulators above do not speak, such as
 * SSM Parameter Store with SecureString values.
 */
export async function startMotoServer(): Promise<MotoServer> {
  const venv = await ensurePythonVenv("moto-venv", join(PROJECT_ROOT, "test", "helpers", "moto-requirements.txt"));
  const [port] = await freePorts(1);
  const endpoint = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(join(venv, "bin", "moto_server"), ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 30_000;
  while (
    !(await fetch(`${endpoint}/moto-api/`).then(
      (response) => response.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not start on ${endpoint}:\n${output}`);
    }
    await sleep(100);
  }
  return { endpoint, stop };
}
