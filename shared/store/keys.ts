/** The single table's key layout: every item kind's keys are built here and nowhere else. */
export const keys = {
  container: (uuid: string) => ({ pk: `CONTAINER#${uuid}`, sk: "CONTAINER" }),
  /** A container is listed in its project (gsi1) and among all containers, for admins (gsi2). */
  containerIndexes: (projectId: string, createdAt: string, uuid: string) => ({
    gsi1pk: `PROJECT#${projectId}`,
    gsi1sk: `${createdAt}#${uuid}`,
    gsi2pk: ALL_CONTAINERS,
    gsi2sk: `${createdAt}#${uuid}`,
  }),
  allContainers: () => ALL_CONTAINERS,
  /** A placed container is listed under its host (gsi3), so an agent can read just its own. */
  containerOnHost: (hostId: string, uuid: string) => ({ gsi3pk: `HOSTED#${hostId}`, gsi3sk: uuid }),
  hostContainers: (hostId: string) => `HOSTED#${hostId}`,
  projectContainers: (projectId: string) => `PROJECT#${projectId}`,
  containerName: (projectId: string, name: string) => ({ pk: `NAME#${projectId}#${name}`, sk: "NAME" }),
  host: (hostId: string) => ({ pk: `HOST#${hostId}`, sk: "HOST" }),
  hostInList: (hostname: string, hostId: string) => ({ gsi1pk: ALL_HOSTS, gsi1sk: `${hostname}#${hostId}` }),
  allHosts: () => ALL_HOSTS,
  action: (containerUuid: string, requestId: string) => ({
    pk: `CONTAINER#${containerUuid}`,
    sk: `ACTION#${requestId}`,
  }),
  actionPrefix: "ACTION#",
  capsule: (uuid: string) => ({ pk: `CAPSULE#${uuid}`, sk: "CAPSULE" }),
  /** A capsule is listed in its project (gsi1) and among all capsules, for admins and the audit (gsi2). */
  capsuleIndexes: (projectId: string, createdAt: string, uuid: string) => ({
    gsi1pk: `PROJECT_CAPSULES#${projectId}`,
    gsi1sk: `${createdAt}#${uuid}`,
    gsi2pk: "CAPSULES",
    gsi2sk: `${createdAt}#${uuid}`,
  }),
  projectCapsules: (projectId: string) => `PROJECT_CAPSULES#${projectId}`,
  allCapsules: () => "CAPSULES",
  registry: (uuid: string) => ({ pk: `REGISTRY#${uuid}`, sk: "REGISTRY" }),
  projectRegistries: (projectId: string) => `PROJECT_REGISTRIES#${projectId}`,
  image: (uuid: string) => ({ pk: `IMAGE#${uuid}`, sk: "IMAGE" }),
  allImages: () => "IMAGES",
  volume: (uuid: string) => ({ pk: `VOLUME#${uuid}`, sk: "VOLUME" }),
  projectVolumes: (projectId: string) => `PROJECT_VOLUMES#${projectId}`,
  /** Every volume (gsi2), for the accounting audit. */
  allVolumes: () => "VOLUMES",
  quota: (projectId: string) => ({ pk: `QUOTA#${projectId}`, sk: "QUOTA" }),
  /** Every project quota item that has held usage (gsi2), for the accounting audit. */
  allQuotas: () => "QUOTAS",
  quotaClass: (name: string) => ({ pk: `QUOTA_CLASS#${name}`, sk: "QUOTA_CLASS" }),
  idempotencyKey: (projectId: string, key: string) => ({ pk: `IDEMPOTENCY#${projectId}#${key}`, sk: "IDEMPOTENCY" }),
  /** What remains of a deleted container or volume, until its TTL: the evidence a host needs to remove a copy. */
  tombstone: (kind: "container" | "volume", uuid: string) => ({ pk: `TOMBSTONE#${kind}#${uuid}`, sk: "TOMBSTONE" }),
  /** A project's count of requests of one kind in one throttling window (epoch ms of its start), until its TTL. */
  requestCounter: (projectId: string, kind: string, windowStart: number) => ({
    pk: `THROTTLE#${projectId}#${kind}`,
    sk: `WINDOW#${windowStart}`,
  }),
  reply: (requestId: string) => ({ pk: `REPLY#${requestId}`, sk: "REPLY" }),
  session: (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: "SESSION" }),
  /** An interactive session is listed in its project (sparse gsi1) until it ends, to bound how many are open. */
  liveSessionOf: (projectId: string, sessionId: string) => ({
    gsi1pk: `PROJECT_SESSIONS#${projectId}`,
    gsi1sk: sessionId,
  }),
  liveSessionsOf: (projectId: string) => `PROJECT_SESSIONS#${projectId}`,
  sessionConnection: (connectionId: string) => ({ pk: `CONNECTION#${connectionId}`, sk: "CONNECTION" }),
  /**
   * A container with work in flight is listed (sparse gsi4) by the time its
   * work is overdue, so the reconciler reads only what may be stuck.
   */
  pendingUntil: (deadline: number, uuid: string) => ({
    gsi4pk: PENDING,
    gsi4sk: `${new Date(deadline).toISOString()}#${uuid}`,
  }),
  /** Sorts after every pending entry whose deadline is before `now`. */
  overdueBefore: (now: number) => `${new Date(now).toISOString()}#`,
  pending: () => PENDING,
} as const;

const PENDING = "PENDING";

const ALL_HOSTS = "HOSTS";
const ALL_CONTAINERS = "CONTAINERS";

export const GSI1 = "gsi1";
export const GSI2 = "gsi2";
export const GSI3 = "gsi3";
export const GSI4 = "gsi4";
