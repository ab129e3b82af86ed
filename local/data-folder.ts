import { resolve } from "node:path";
import { PROJECT_ROOT } from "./serverless-config.ts";

/**
 * The one folder where the local stack keeps what must outlive it: the
 * emulators' tables, queues and messages, the agents' state, the sealing key
 * and the logs. `BERTH_DATA_DIR`, by default `.berth/` in the project.
 */
export function localDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.BERTH_DATA_DIR || `${PROJECT_ROOT}.berth`);
}

/** What lives where inside the data folder. */
export function dataPaths(root: string) {
  return {
    dynamodb: `${root}/dynamodb`,
    sqs: `${root}/sqs`,
    /** One folder per stage, one per agent slot inside it. */
    agentState: (stage: string) => `${root}/state/${stage}`,
    emulatorPids: `${root}/emulators`,
    logs: `${root}/logs`,
    secretKey: `${root}/secret.key`,
  };
}
