import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { PROJECT_ROOT } from "../../local/serverless-config.ts";
import { ADMIN_TOKEN, type ApiResponse } from "./berth.ts";

/** A real `npm run dev`, as a user starts it: its own process group, ports, stage and data folder. */
export interface DevProcess {
  npm: ChildProcess;
  apiUrl: string;
  /** Everything it printed so far. */
  output(): string;
  /** Every process it started (npm, the stack, emulators, agents), as seen while it ran. */
  processes(): number[];
  api(method: string, path: string, options?: { body?: unknown; token?: string }): Promise<ApiResponse>;
}

/**
 * Free TCP ports, so a test's stack never meets the shared emulators on 8000
 * and 9324. Drawn below Linux's ephemeral range (32768+): a port there, free
 * while a stack restarts, can be taken meanwhile as some connection's own end.
 */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 9_000);
    if (!ports.includes(port) && (await isFree(port))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once("error", () => resolve(false))
      .listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** The environment `npm run dev` gets: this machine's, without what tests or other stacks set for themselves. */
export function cleanEnvironment(settings: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value === undefined ||
      name.startsWith("BERTH_") ||
      name.startsWith("AWS_") ||
      name.startsWith("npm_") ||
      name === "VITEST" ||
      name === "NODE_OPTIONS"
    )
      continue;
    env[name] = value;
  }
  return { ...env, ...settings };
}

/** Starts `npm run dev [args]` and waits for its banner. */
export async function startDev(
  env: Record<string, string>,
  args: string[] = [],
  timeoutMs = 150_000,
): Promise<DevProcess> {
  const npm = spawn("npm", ["run", "--silent", "dev", ...(args.length ? ["--", ...args] : [])], {
    cwd: PROJECT_ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  npm.stdout!.on("data", (chunk) => (output += chunk));
  npm.stderr!.on("data", (chunk) => (output += chunk));
  const seen = new Set<number>([npm.pid!]);
  const watch = setInterval(() => descendantsOf(npm.pid!).forEach((pid) => seen.add(pid)), 200);
  npm.once("exit", () => clearInterval(watch));
  const deadline = Date.now() + timeoutMs;
  let match: RegExpExecArray | null = null;
  while (!(match = /API:\s+(http:\/\/\S+)\/v1/.exec(output))) {
    if (npm.exitCode !== null || Date.now() > deadline) {
      clearInterval(watch);
      throw new Error(`npm run dev did not come up (exit ${npm.exitCode}):\n${output}`);
    }
    await sleep(200);
  }
  const apiUrl = match[1]!;
  return {
    npm,
    apiUrl,
    output: () => output,
    processes: () => [...new Set([...seen, ...descendantsOf(npm.pid!)])],
    async api(method, path, { body, token = ADMIN_TOKEN } = {}) {
      const headers: Record<string, string> = { "openstack-api-version": "container 1.40", "x-auth-token": token };
      if (body !== undefined) headers["content-type"] = "application/json";
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
  };
}

/** Waits until none of these processes runs any more; returns those still running after `timeoutMs`. */
export async function stillRunningAfter(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let running = pids.filter(isRunning);
  while (running.length && Date.now() < deadline) {
    await sleep(200);
    running = running.filter(isRunning);
  }
  return running;
}

/** `kill -9` of its whole process group (npm, the stack, emulators, agents) at once: only what is on disk survives. */
export function killProcessGroup(dev: DevProcess): void {
  process.kill(-dev.npm.pid!, "SIGKILL");
}

/** The processes it started whose command line contains `program` (e.g. "local/up.ts", "host-agent", "java"). */
export function startedProcesses(dev: DevProcess, program: string): number[] {
  return dev.processes().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").includes(program);
    } catch {
      return false;
    }
  });
}

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z /.test(stat); // a zombie has ended
  } catch {
    return false;
  }
}

function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // ended meanwhile
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) for (const child of children.get(queue.shift()!) ?? []) found.push(child), queue.push(child);
  return found;
}
