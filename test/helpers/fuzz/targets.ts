/** What the fuzzer aims at: names and ids that exist (gathered as it goes), so requests reach past the lookup. */
export interface FuzzTargets {
  /** Uuids and names of containers. */
  containers: string[];
  volumes: string[];
  registries: string[];
  images: string[];
  hosts: string[];
  projects: string[];
  /** Names given in create bodies that were refused: none of them may exist afterwards. */
  refusedNames: Set<string>;
  /** Repositories sent to commit, so the images they made can be removed. */
  committedRepositories: Set<string>;
  /** How many more creates may really run a container on Docker. */
  realRunsLeft: number;
  /** A counter that keeps generated names unique. */
  serial: number;
}

export function emptyTargets(realRuns: number): FuzzTargets {
  return {
    containers: [],
    volumes: [],
    registries: [],
    images: [],
    hosts: [],
    projects: ["demo"],
    refusedNames: new Set(),
    committedRepositories: new Set(),
    realRunsLeft: realRuns,
    serial: 0,
  };
}

/** Remembers what a successful response created, so later requests can aim at it. */
export function learnFrom(targets: FuzzTargets, route: string, status: number, body: any): void {
  if (status < 200 || status >= 300 || !body || typeof body !== "object") return;
  const remember = (list: string[], value: unknown) => {
    if (typeof value === "string" && value && !list.includes(value)) list.push(value);
  };
  if (route === "POST /v1/containers") {
    remember(targets.containers, body.uuid);
    remember(targets.containers, body.name);
  }
  if (route === "POST /v1/registries") remember(targets.registries, body.registry?.uuid ?? body.uuid);
  if (route === "POST /v1/images") remember(targets.images, body.uuid);
  if (route === "GET /v1/volumes") for (const volume of body.volumes ?? []) remember(targets.volumes, volume.uuid);
  if (route === "GET /v1/hosts")
    for (const host of body.hosts ?? []) remember(targets.hosts, host.uuid), remember(targets.hosts, host.hostname);
}
