/** The single table's key layout: every item kind's keys are built here and nowhere else. */
export const keys = {
  container: (uuid: string) => ({ pk: `CONTAINER#${uuid}`, sk: "CONTAINER" }),
  containerInProject: (projectId: string, createdAt: string, uuid: string) => ({
    gsi1pk: `PROJECT#${projectId}`,
    gsi1sk: `${createdAt}#${uuid}`,
  }),
  projectContainers: (projectId: string) => `PROJECT#${projectId}`,
  containerName: (projectId: string, name: string) => ({ pk: `NAME#${projectId}#${name}`, sk: "NAME" }),
  host: (hostId: string) => ({ pk: `HOST#${hostId}`, sk: "HOST" }),
  hostInList: (hostname: string, hostId: string) => ({ gsi1pk: ALL_HOSTS, gsi1sk: `${hostname}#${hostId}` }),
  allHosts: () => ALL_HOSTS,
  action: (containerUuid: string, requestId: string) => ({ pk: `CONTAINER#${containerUuid}`, sk: `ACTION#${requestId}` }),
  actionPrefix: "ACTION#",
  reply: (requestId: string) => ({ pk: `REPLY#${requestId}`, sk: "REPLY" }),
} as const;

const ALL_HOSTS = "HOSTS";

export const GSI1 = "gsi1";
