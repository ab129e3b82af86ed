import { createHash, randomBytes } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { log } from "../../shared/log.ts";
import type { HostStore } from "../../shared/store/hosts.ts";
import type { AgentConfig } from "./config.ts";
import type { DockerPort } from "./docker/docker-port.ts";

/**
 * This agent's host id, unique per agent and stable across its restarts:
 * `BERTH_HOST_ID` when set, else the id kept in `<stateDir>/host-id`, made on
 * first start. Docker's daemon ID cannot be the identity (two daemons on one
 * machine, or machines cloned from one image, share it), except once, for an
 * upgrade: a first start finding a host registered under the id earlier
 * agents derived from this engine's daemon ID takes that id over if it is the
 * first to claim it, so the host keeps its containers; any other agent on the
 * engine gets an id of its own. The caller holds the state folder's lock.
 */
export async function hostIdentity(config: AgentConfig, docker: DockerPort, hosts: HostStore): Promise<string> {
  if (config.hostId) return config.hostId;
  const file = join(config.stateDir, "host-id");
  const kept = readKept(file);
  if (kept) return kept;
  const info = await docker.info();
  const legacy = createHash("sha256")
    .update(String(info.ID ?? info.Name))
    .digest("hex")
    .slice(0, 16);
  // The claimer is this machine's folder, so an agent that stops before keeping the id wins it again.
  const adopted = await hosts.claimIdentity(legacy, `${hostname()}:${config.stateDir}`);
  const id = adopted ? legacy : randomBytes(8).toString("hex");
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, `${id}\n`);
  renameSync(partial, file);
  log(
    "info",
    adopted ? "host identity: kept the id this engine's host was registered under" : "host identity: made a new one",
    { host_id: id, file },
  );
  return id;
}

function readKept(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
