import { createHash } from "node:crypto";
import type { DockerPort } from "./docker/docker-port.ts";

/** Network creation per project is serialized in the agent, since Docker's duplicate check is not atomic. */
const creating = new Map<string, Promise<string>>();
/** Networks this agent knows exist, by name: most creates need no Docker call for their network. */
const known = new Map<string, string>();

/**
 * Each project's containers on a host share a Docker bridge network of their
 * own, apart from other projects' (and other Berth deployments'); containers
 * reach each other there by their Berth names. Returns the network's id.
 */
export function ensureProjectNetwork(docker: DockerPort, deployment: string, projectId: string): Promise<string> {
  const name = projectNetworkName(deployment, projectId);
  const id = known.get(name);
  if (id) return Promise.resolve(id);
  const previous = creating.get(name) ?? Promise.resolve("");
  const next = previous.catch(() => "").then(() => findOrCreate(docker, deployment, projectId, name));
  creating.set(name, next);
  void next
    .finally(() => {
      if (creating.get(name) === next) creating.delete(name);
    })
    .catch(() => undefined);
  return next;
}

async function findOrCreate(docker: DockerPort, deployment: string, projectId: string, name: string): Promise<string> {
  const existing = await networksNamed(docker, name);
  const id =
    existing[0] ??
    (await docker.createNetwork({
      Name: name,
      Driver: "bridge",
      CheckDuplicate: true,
      Labels: { "berth.deployment": deployment, "berth.project": projectId },
    }));
  known.set(name, id);
  return id;
}

/** Forgets what this agent knew of a project's network, e.g. after Docker reported it missing. */
export function forgetProjectNetwork(deployment: string, projectId: string): void {
  known.delete(projectNetworkName(deployment, projectId));
}

/** The ids of the networks with exactly this name, oldest first (Docker may hold duplicates from before). */
async function networksNamed(docker: DockerPort, name: string): Promise<string[]> {
  const networks = await docker.listNetworks(name);
  return networks
    .filter((network) => network.Name === name)
    .sort((a, b) => String(a.Created).localeCompare(String(b.Created)))
    .map((network) => network.Id);
}

export function projectNetworkName(deployment: string, projectId: string): string {
  const tag = createHash("sha256").update(`${deployment}/${projectId}`).digest("hex").slice(0, 12);
  return `berth-${projectId.replace(/[^a-zA-Z0-9_.-]/g, "-").slice(0, 40)}-${tag}`;
}

/** Removes a project's network once no container is attached to it, so networks track the projects a host serves. */
export async function releaseProjectNetwork(docker: DockerPort, deployment: string, projectId: string): Promise<void> {
  const name = projectNetworkName(deployment, projectId);
  await ensureNotCreating(name);
  known.delete(name);
  for (const id of await networksNamed(docker, name)) {
    const network = await docker.inspectNetwork(id).catch(() => undefined);
    if (!network || Object.keys(network.Containers ?? {}).length > 0) continue;
    // A create that attaches meanwhile makes Docker refuse; the network then stays, as it should.
    await docker.removeNetwork(id).catch(() => undefined);
  }
}

async function ensureNotCreating(name: string): Promise<void> {
  await creating.get(name)?.catch(() => undefined);
}
