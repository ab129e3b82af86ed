import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { dataPaths, localDataDir } from "../data-folder.ts";
import {
  forgetPid,
  leftoverProcess,
  orphanedByItsStack,
  recordPid,
  startedByThisStack,
  waitForExit,
} from "../leftover-processes.ts";

const HERE = fileURLToPath(new URL(".", import.meta.url));

interface Emulator {
  name: string;
  folder: string;
  port: number;
  /** Where it keeps its data; undefined when it keeps nothing. */
  keptIn: string | undefined;
  args: (lib: string) => string[];
}

const EMULATORS = (
  dynamodbPort: number,
  sqsPort: number,
  paths: ReturnType<typeof dataPaths> | undefined,
): Emulator[] => [
  {
    name: "DynamoDB Local",
    folder: "dynamodb",
    port: dynamodbPort,
    keptIn: paths?.dynamodb,
    // Its own ServerRunner has no bind option and Jetty's default is every interface: ours binds it to loopback.
    args: (lib) => [
      `-Djava.library.path=${lib}`,
      "-cp",
      `${lib}/*`,
      `${HERE}dynamodb/LoopbackServerRunner.java`,
      ...(paths ? ["-dbPath", paths.dynamodb] : ["-inMemory"]),
      "-sharedDb",
      "-port",
      String(dynamodbPort),
    ],
  },
  {
    name: "ElasticMQ",
    folder: "sqs",
    port: sqsPort,
    keptIn: paths?.sqs,
    // With messages-storage ElasticMQ keeps queues and their messages (in flight too) in H2; WRITE_DELAY=0 commits each change at once, so a kill -9 loses none.
    args: (lib) => [
      `-Dconfig.file=${HERE}sqs/elasticmq.conf`,
      ...(paths
        ? ["-Dmessages-storage.enabled=true", `-Dmessages-storage.uri=jdbc:h2:${paths.sqs}/elasticmq;WRITE_DELAY=0`]
        : []),
      "-cp",
      `${lib}/*`,
      "org.elasticmq.server.Main",
    ],
  },
];

export interface EmulatorOptions {
  dynamodbPort?: number;
  sqsPort?: number;
  /** Leave the emulators running after this process ends (`npm run emulators`). */
  detached?: boolean;
  /** Keep nothing (the tests, whose every file makes a stage of its own): DynamoDB Local then writes about 2.5 times faster, ElasticMQ about 1.4 times. */
  inMemory?: boolean;
  /** Where durable emulators keep their data, pids and logs; the data folder by default. */
  dataDir?: string;
}

export interface RunningEmulators {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** One line per emulator: where its data lives, or that it was already running (and so keeps whatever it was started to keep). */
  storage: string[];
  /** Stops the emulators this call started, and those an earlier stack left running; others already running are left alone. */
  stop(): Promise<void>;
}

/**
 * Makes sure DynamoDB Local and ElasticMQ answer on their ports, fetching them
 * from Maven Central on first use and starting them when nothing answers.
 * By default they keep their tables, queues and messages in the data folder.
 */
export async function ensureEmulators(options: EmulatorOptions = {}): Promise<RunningEmulators> {
  const dynamodbPort = options.dynamodbPort ?? Number(process.env.BERTH_DYNAMODB_PORT ?? 8000);
  const sqsPort = options.sqsPort ?? Number(process.env.BERTH_SQS_PORT ?? 9324);
  const root = options.dataDir ?? localDataDir();
  const paths = dataPaths(root);
  const emulators = EMULATORS(dynamodbPort, sqsPort, options.inMemory ? undefined : paths);
  const started: ChildProcess[] = [];
  // Emulators an earlier stack started and left running when it was killed: this one stops them as its own.
  const adopted: { pid: number; program: string }[] = [];
  const storage: string[] = [];
  for (const emulator of emulators) {
    const pidFile = `${paths.emulatorPids}/${emulator.folder}-${emulator.port}.pid`;
    if (await answers(emulator.port)) {
      const leftover = emulator.keptIn === undefined ? undefined : leftoverProcess(pidFile, emulator.keptIn);
      if (leftover !== undefined && orphanedByItsStack(pidFile) && !options.detached)
        adopted.push({ pid: leftover, program: emulator.keptIn! });
      storage.push(
        leftover !== undefined
          ? `${emulator.name} (already running): kept in ${emulator.keptIn}`
          : `${emulator.name}: already running on port ${emulator.port}, started elsewhere; it keeps whatever it was started to keep`,
      );
      continue;
    }
    for (const folder of [paths.emulatorPids, paths.logs, emulator.keptIn])
      if (folder) mkdirSync(folder, { recursive: true });
    const child = startEmulator(emulator, paths.logs, options.detached ?? false);
    recordPid(pidFile, child.pid, options.detached ? "detached" : startedByThisStack());
    child.once("exit", () => forgetPid(pidFile));
    started.push(child);
    storage.push(
      emulator.keptIn ? `${emulator.name}: kept in ${emulator.keptIn}` : `${emulator.name}: in memory, kept nowhere`,
    );
  }
  for (const emulator of emulators) await waitUntilAnswering(emulator, paths.logs, 90_000);
  return {
    dynamodbEndpoint: `http://127.0.0.1:${dynamodbPort}`,
    sqsEndpoint: `http://127.0.0.1:${sqsPort}`,
    storage,
    async stop() {
      for (const child of started) child.kill("SIGTERM");
      await Promise.all([
        ...started.map((child) =>
          child.exitCode === null && child.signalCode === null
            ? new Promise((resolve) => child.once("exit", resolve))
            : undefined,
        ),
        ...adopted.map(({ pid, program }) => waitForExit(pid, program, { graceMs: 0, termMs: 20_000 })),
      ]);
    },
  };
}

function startEmulator(emulator: Emulator, logDir: string, detached: boolean): ChildProcess {
  const lib = `${HERE}${emulator.folder}/lib`;
  if (!existsSync(lib) || readdirSync(lib).length === 0) fetchFromMaven(emulator);
  const log = openSync(`${logDir}/${emulator.folder}.log`, "a");
  const child = spawn("java", emulator.args(lib), {
    cwd: `${HERE}${emulator.folder}`,
    env: { ...process.env, BERTH_SQS_PORT: String(emulator.port) },
    stdio: ["ignore", log, log],
    detached,
  });
  if (detached) child.unref();
  child.on("error", (error) =>
    console.error(`${emulator.name} could not start (is Java 17+ installed?):`, error.message),
  );
  return child;
}

function fetchFromMaven(emulator: Emulator): void {
  console.log(`Fetching ${emulator.name} from Maven Central (first run only)…`);
  const result = spawnSync("mvn", ["-q", "-B", "dependency:copy-dependencies", "-DoutputDirectory=lib"], {
    cwd: `${HERE}${emulator.folder}`,
    stdio: "inherit",
  });
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

async function waitUntilAnswering(emulator: Emulator, logDir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(emulator.port)) return;
    await sleep(250);
  }
  throw new Error(
    `${emulator.name} did not answer on port ${emulator.port} within ${timeoutMs / 1000} s; see ${logDir}/${emulator.folder}.log`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const emulators = await ensureEmulators({ detached: true, inMemory: process.argv.includes("--in-memory") });
  console.log(
    `DynamoDB: ${emulators.dynamodbEndpoint}\nSQS: ${emulators.sqsEndpoint}\n${emulators.storage.join("\n")}`,
  );
}
