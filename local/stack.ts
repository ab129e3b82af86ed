import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { bundleHostAgent } from "./agent-bundle.ts";
import { AGENT_PROGRAM, agentPidFile, portRangeForSlot, waitForLeftoverAgents } from "./agent-slots.ts";
import { dataPaths, localDataDir } from "./data-folder.ts";
import { ensureEmulators, type RunningEmulators } from "./emulators/start.ts";
import { LocalGateway } from "./gateway.ts";
import { forgetPid, recordPid, startedByThisStack } from "./leftover-processes.ts";
import { provisionedEnvironment, provisionResources, resolveEnvironment } from "./provision.ts";
import { startQueueConsumers } from "./queue-consumers.ts";
import { loadServerlessConfig, PROJECT_ROOT } from "./serverless-config.ts";
import { forgetStage } from "./start-fresh.ts";
import { TEST_IMAGE } from "./test-image.ts";
import { LocalWebSocketGateway } from "./websocket/websocket-gateway.ts";

export interface LocalStackOptions {
  stage: string;
  region?: string;
  port?: number;
  /** Host agents to start against the local Docker engine. */
  agents?: number;
  /** Overrides every schedule serverless.yml gives (reconcile, audit); 0 disables them all, as tests do to run them by hand. */
  scheduleEverySeconds?: number;
  /** Overrides one function's schedule, by function name (e.g. `{ reconcile: 10 }`); 0 disables it. */
  schedulePeriods?: Record<string, number>;
  /** Where the emulators' data, the agents' state and the sealing key are kept; `BERTH_DATA_DIR` or `.berth/` by default. */
  dataDir?: string;
  /** Start the stage empty: remove its tables, queues, agents' state and Docker objects first (`npm run dev -- --fresh`). */
  fresh?: boolean;
  /** Where the stack says what it does (emulator storage, leftovers, what `fresh` removes). */
  say?: (line: string) => void;
  /** Extra environment for the functions and agents (e.g. shorter heartbeats in tests). */
  environment?: Record<string, string>;
  /** Let agents print their logs (dev) or keep them quiet (tests). */
  agentOutput?: "inherit" | "ignore";
}

export interface LocalStack {
  apiUrl: string;
  /** The environment the functions run with: table, queues, endpoints. */
  environment: Record<string, string>;
  agents: ChildProcess[];
  /**
   * Starts a host agent in the lowest slot no running agent holds: each slot
   * has a state folder of its own (`agentStateDir`), so an agent restarted in
   * its slot is the same host, and agents in different slots are different hosts.
   */
  startAgent(extra?: Record<string, string>): ChildProcess;
  /** The state folder of the agent in `slot` (0 for the first). */
  agentStateDir(slot: number): string;
  /** Where each emulator keeps its data (empty when AWS_ENDPOINT_URL points elsewhere). */
  storage: string[];
  stop(): Promise<void>;
}

/**
 * Brings Berth up on one machine: emulators (unless AWS_ENDPOINT_URL points
 * elsewhere), the tables and queues of serverless.yml, its HTTP routes, its
 * schedules, its queue consumers, and host agents against the local Docker engine.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const region = options.region ?? process.env.AWS_REGION ?? "us-east-1";
  const say = options.say ?? (() => undefined);
  const dataDir = options.dataDir ?? localDataDir();
  const paths = dataPaths(dataDir);
  const stageState = paths.agentState(options.stage);
  let emulators: RunningEmulators | undefined;
  let endpoints: Record<string, string>;
  if (process.env.AWS_ENDPOINT_URL) {
    endpoints = { AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL };
  } else {
    emulators = await ensureEmulators({ dataDir });
    endpoints = { AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbEndpoint, AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint };
  }
  const credentials = {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? "local",
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
  };
  const config = loadServerlessConfig(options.stage, region);
  const clientConfig = {
    region,
    credentials: { accessKeyId: credentials.AWS_ACCESS_KEY_ID, secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY },
  };
  const dynamodb = new DynamoDBClient({
    ...clientConfig,
    endpoint: endpoints.AWS_ENDPOINT_URL_DYNAMODB ?? endpoints.AWS_ENDPOINT_URL,
  });
  const sqs = new SQSClient({
    ...clientConfig,
    endpoint: endpoints.AWS_ENDPOINT_URL_SQS ?? endpoints.AWS_ENDPOINT_URL,
  });
  await waitForLeftoverAgents(stageState, say);
  if (options.fresh) await forgetStage(config, { dynamodb, sqs }, stageState, say);
  const provisioned = await provisionResources(config, { dynamodb, sqs });
  dynamodb.destroy();

  // The WebSocket API is served here, not provisioned: its URLs are the local gateway's.
  const websocketGateway = new LocalWebSocketGateway(config.websocketRoutes);
  const websocket = await websocketGateway.listen();
  const environment: Record<string, string> = {
    ...resolveEnvironment(provisionedEnvironment(config.environment), provisioned, process.env),
    BERTH_WEBSOCKET_URL: websocket.url,
    BERTH_WEBSOCKET_MANAGEMENT_URL: websocket.managementUrl,
    ...endpoints,
    ...credentials,
    ...options.environment,
  };
  // The data folder's key, unless this stack was told to read one from a parameter as a deployed stage does.
  if (!options.environment?.BERTH_SECRET_KEY_PARAMETER)
    environment.BERTH_SECRET_KEY ||= localSecretKey(paths.secretKey);
  environment.BERTH_LOCAL_DEV_TOKENS ||= "1";
  // A developer's own registry usually runs on loopback; the cloud's metadata address stays denied.
  environment.BERTH_DENIED_REGISTRY_NETWORKS ??=
    process.env.BERTH_DENIED_REGISTRY_NETWORKS ?? "169.254.0.0/16,0.0.0.0/8,fe80::/10,fd00:ec2::254/128";
  // No registry is reachable here: a capsule's sandbox is the walk-through's local busybox, asleep.
  environment.BERTH_SANDBOX_IMAGE ??= process.env.BERTH_SANDBOX_IMAGE ?? TEST_IMAGE;
  environment.BERTH_SANDBOX_COMMAND ??= process.env.BERTH_SANDBOX_COMMAND ?? "sleep 2147483647";
  Object.assign(process.env, environment);

  const gateway = new LocalGateway(config.routes);
  const apiUrl = await gateway.listen(options.port ?? 0);

  const timers = config.schedules.map((schedule) => {
    const every =
      options.scheduleEverySeconds ?? options.schedulePeriods?.[schedule.functionName] ?? schedule.everySeconds;
    if (every <= 0) return undefined;
    return setInterval(() => void invokeScheduled(schedule.handler, schedule.functionName), every * 1000);
  });
  const queueConsumers = startQueueConsumers(config.queueConsumers, provisioned, sqs, invoke);

  const agents: ChildProcess[] = [];
  const slots = new Map<number, ChildProcess>();
  const agentStateDir = (slot: number) => `${stageState}/agent-${slot}`;
  const portRange = environment.BERTH_HOST_PORT_RANGE ?? process.env.BERTH_HOST_PORT_RANGE ?? "30000-32767";
  mkdirSync(stageState, { recursive: true });
  // Inside the project, where the agent's packages resolve (the data folder may be anywhere),
  // and outside .build/, which packaging empties.
  const agentEntry = await bundleHostAgent(`${PROJECT_ROOT}.berth/agent-bundles/${options.stage}/${AGENT_PROGRAM}`);
  const startAgent = (extra: Record<string, string> = {}) => {
    let slot = 0;
    while (slots.has(slot) && isAlive(slots.get(slot)!)) slot++;
    mkdirSync(stageState, { recursive: true });
    // stdin is a pipe the stack never writes: the agent stops when it closes (agent-exits-with-stack.mjs).
    const child = spawn(
      process.execPath,
      ["--enable-source-maps", "--import", `${PROJECT_ROOT}local/agent-exits-with-stack.mjs`, agentEntry],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          ...environment,
          BERTH_AGENT_STATE_DIR: agentStateDir(slot),
          BERTH_HOST_PORT_RANGE: portRangeForSlot(portRange, slot, options.agents ?? 1),
          ...extra,
        },
        stdio: ["pipe", options.agentOutput ?? "inherit", options.agentOutput ?? "inherit"],
      },
    );
    const pidFile = agentPidFile(stageState, slot);
    recordPid(pidFile, child.pid, startedByThisStack());
    child.once("exit", () => {
      if (slots.get(slot) === child) forgetPid(pidFile);
    });
    slots.set(slot, child);
    agents.push(child);
    return child;
  };
  for (let index = 0; index < (options.agents ?? 1); index++) startAgent();

  return {
    apiUrl,
    environment,
    agents,
    startAgent,
    agentStateDir,
    storage: emulators?.storage ?? [],
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await queueConsumers.stop();
      sqs.destroy();
      await Promise.all(
        agents.map((child) => {
          if (!isAlive(child)) return undefined;
          child.kill("SIGTERM");
          return new Promise((resolve) => child.once("exit", resolve));
        }),
      );
      await gateway.close();
      await websocketGateway.close();
      await emulators?.stop();
      rmSync(dirname(agentEntry), { recursive: true, force: true });
    },
  };
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** The local stack's key for sealing registry passwords: made once, kept in the data folder (.berth/ is ignored by git). */
function localSecretKey(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

/** Runs a function's handler in this process, as Lambda would call it. */
async function invoke(handlerReference: string, functionName: string, event: unknown): Promise<unknown> {
  const dot = handlerReference.lastIndexOf(".");
  const module = await import(`${PROJECT_ROOT}${handlerReference.slice(0, dot)}.ts`);
  return module[handlerReference.slice(dot + 1)](event, { functionName } as Context);
}

async function invokeScheduled(handlerReference: string, functionName: string): Promise<void> {
  try {
    await invoke(handlerReference, functionName, { source: "aws.events", "detail-type": "Scheduled Event" });
  } catch (error) {
    console.error(`${functionName} failed`, error);
  }
}
