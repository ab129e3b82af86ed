import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { dataPaths, localDataDir } from "../../local/data-folder.ts";
import { type LocalStack, startLocalStack } from "../../local/stack.ts";
import type { Identity } from "../../shared/auth/identity.ts";
import { readConfig } from "../../shared/config.ts";
import { type Stores, storesFor } from "../../shared/store/stores.ts";

export const ADMIN_TOKEN = "berth-dev-admin";
export const MEMBER_TOKEN = "berth-dev-member";

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

export interface TestBerth {
  stack: LocalStack;
  stores: Stores;
  docker: Docker;
  deployment: string;
  /** A request at microversion `version` (default 1.40; null sends no header). */
  api(
    method: string,
    path: string,
    options?: { body?: unknown; rawBody?: string; token?: string | null; version?: string | null },
  ): Promise<ApiResponse>;
  /** Polls a container until `until` holds, returning its last view. */
  waitForContainer(id: string, until: (container: any) => boolean, timeoutMs?: number, token?: string): Promise<any>;
  /** Waits until a container's record is gone (its delete finished on the host). */
  waitForGone(uuid: string, timeoutMs?: number): Promise<void>;
  /** The Docker containers this deployment owns. */
  dockerContainers(): Promise<Docker.ContainerInfo[]>;
  stop(): Promise<void>;
}

/** A Berth of its own for one test file: its own table and queues, one agent by default. */
export async function startBerth(
  options: {
    agents?: number;
    /** The tokens its callers present, and who each is (the local stack's dev tokens). */
    callers?: Record<string, Identity>;
    environment?: Record<string, string>;
  } = {},
): Promise<TestBerth> {
  const stage = `t${randomBytes(4).toString("hex")}`;
  const agents = options.agents ?? 1;
  const stack = await startLocalStack({
    stage,
    agents,
    scheduleEverySeconds: 0,
    agentOutput: process.env.BERTH_TEST_AGENT_LOGS ? "inherit" : "ignore",
    environment: {
      BERTH_POLL_WAIT_SECONDS: "2",
      BERTH_HEARTBEAT_SECONDS: "2",
      BERTH_QUIET: "1",
      ...(options.callers ? { BERTH_DEV_TOKENS: JSON.stringify(options.callers) } : {}),
      ...options.environment,
    },
  });
  const config = readConfig();
  const stores = storesFor(config);
  const docker = new Docker({ socketPath: "/var/run/docker.sock" });
  const deployment = config.tableName;
  const deadline = Date.now() + 30_000;
  while ((await stores.hosts.list()).length < Math.min(agents, 1)) {
    if (Date.now() > deadline) throw new Error("no host agent registered within 30 s");
    await sleep(200);
  }

  const api: TestBerth["api"] = async (method, path, { body, rawBody, token = ADMIN_TOKEN, version = "1.40" } = {}) => {
    const headers: Record<string, string> = version === null ? {} : { "openstack-api-version": `container ${version}` };
    if (token !== null) headers["x-auth-token"] = token;
    if (body !== undefined || rawBody !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers,
      body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };

  const dockerContainers = () =>
    docker.listContainers({ all: true, filters: { label: [`berth.deployment=${deployment}`] } });

  return {
    stack,
    stores,
    docker,
    deployment,
    api,
    dockerContainers,
    async waitForContainer(id, until, timeoutMs = 20_000, token = ADMIN_TOKEN) {
      const deadline = Date.now() + timeoutMs;
      let last: any;
      while (Date.now() < deadline) {
        const response = await api("GET", `/v1/containers/${id}`, { token });
        last = response.body;
        if (response.status === 200 && until(last)) return last;
        await sleep(100);
      }
      throw new Error(
        `container ${id} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
      );
    },
    async waitForGone(uuid, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (await stores.containers.get(uuid)) {
        if (Date.now() > deadline) throw new Error(`container ${uuid} was not deleted within ${timeoutMs} ms`);
        await sleep(100);
      }
    },
    async stop() {
      await stack.stop();
      for (const container of await dockerContainers())
        await docker
          .getContainer(container.Id)
          .remove({ force: true })
          .catch(() => undefined);
      for (const network of await docker.listNetworks({ filters: { label: [`berth.deployment=${deployment}`] } })) {
        await docker
          .getNetwork(network.Id)
          .remove()
          .catch(() => undefined);
      }
      await rm(dataPaths(localDataDir()).agentState(stage), { recursive: true, force: true });
    },
  };
}

/**
 * Removes the Docker volumes a stopped test Berth left behind: a test whose
 * delete was refused midway (volumes are never deleted by a failure) cleans up after itself.
 */
export async function removeLeftoverVolumes(berth: TestBerth): Promise<void> {
  const { Volumes } = await berth.docker.listVolumes({ filters: { label: [`berth.deployment=${berth.deployment}`] } });
  for (const volume of Volumes ?? []) await berth.docker.getVolume(volume.Name).remove({ force: true });
}
