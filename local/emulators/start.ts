import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, openSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { PROJECT_ROOT } from "../serverless-config.ts";

const HERE = fileURLToPath(new URL(".", import.meta.url));

interface Emulator {
  name: string;
  folder: string;
  port: number;
  args: (lib: string) => string[];
}

const EMULATORS = (dynamodbPort: number, sqsPort: number): Emulator[] => [
  {
    name: "DynamoDB Local",
    folder: "dynamodb",
    port: dynamodbPort,
    args: (lib) => [`-Djava.library.path=${lib}`, "-cp", `${lib}/*`, "com.amazonaws.services.dynamodbv2.local.main.ServerRunner", "-inMemory", "-sharedDb", "-port", String(dynamodbPort)],
  },
  {
    name: "ElasticMQ",
    folder: "sqs",
    port: sqsPort,
    args: (lib) => [`-Dconfig.file=${HERE}sqs/elasticmq.conf`, "-cp", `${lib}/*`, "org.elasticmq.server.Main"],
  },
];

export interface RunningEmulators {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** Stops the emulators this call started (ones already running are left alone). */
  stop(): Promise<void>;
}

/**
 * Makes sure DynamoDB Local and ElasticMQ answer on their ports, fetching them
 * from Maven Central on first use and starting them when nothing answers.
 */
export async function ensureEmulators(options: { dynamodbPort?: number; sqsPort?: number; detached?: boolean } = {}): Promise<RunningEmulators> {
  const dynamodbPort = options.dynamodbPort ?? Number(process.env.BERTH_DYNAMODB_PORT ?? 8000);
  const sqsPort = options.sqsPort ?? Number(process.env.BERTH_SQS_PORT ?? 9324);
  const started: ChildProcess[] = [];
  for (const emulator of EMULATORS(dynamodbPort, sqsPort)) {
    if (await answers(emulator.port)) continue;
    started.push(startEmulator(emulator, options.detached ?? false));
  }
  for (const emulator of EMULATORS(dynamodbPort, sqsPort)) await waitUntilAnswering(emulator, 90_000);
  return {
    dynamodbEndpoint: `http://127.0.0.1:${dynamodbPort}`,
    sqsEndpoint: `http://127.0.0.1:${sqsPort}`,
    async stop() {
      for (const child of started) child.kill("SIGTERM");
      await Promise.all(started.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined)));
    },
  };
}

function startEmulator(emulator: Emulator, detached: boolean): ChildProcess {
  const lib = `${HERE}${emulator.folder}/lib`;
  if (!existsSync(lib) || readdirSync(lib).length === 0) fetchFromMaven(emulator);
  const logDir = `${PROJECT_ROOT}.berth/logs`;
  mkdirSync(logDir, { recursive: true });
  const log = openSync(`${logDir}/${emulator.folder}.log`, "a");
  const child = spawn("java", emulator.args(lib), {
    cwd: `${HERE}${emulator.folder}`,
    env: { ...process.env, BERTH_SQS_PORT: String(emulator.port) },
    stdio: ["ignore", log, log],
    detached,
  });
  if (detached) child.unref();
  child.on("error", (error) => console.error(`${emulator.name} could not start (is Java 17+ installed?):`, error.message));
  return child;
}

function fetchFromMaven(emulator: Emulator): void {
  console.log(`Fetching ${emulator.name} from Maven Central (first run only)…`);
  const result = spawnSync("mvn", ["-q", "-B", "dependency:copy-dependencies", "-DoutputDirectory=lib"], { cwd: `${HERE}${emulator.folder}`, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`Fetching ${emulator.name} with Maven failed (is Maven installed?)`);
}

async function answers(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

async function waitUntilAnswering(emulator: Emulator, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(emulator.port)) return;
    await sleep(250);
  }
  throw new Error(`${emulator.name} did not answer on port ${emulator.port} within ${timeoutMs / 1000} s; see .berth/logs/${emulator.folder}.log`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const emulators = await ensureEmulators({ detached: true });
  console.log(`DynamoDB: ${emulators.dynamodbEndpoint}\nSQS: ${emulators.sqsEndpoint}`);
}
