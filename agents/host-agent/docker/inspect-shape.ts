/**
 * What the agent reads of Docker's container inspect, in Docker's own field
 * names: the one shape every module that looks at a container uses.
 */
export interface ContainerInspection {
  Id: string;
  Name?: string;
  State: ContainerState;
  RestartCount?: number;
  Config?: { Labels?: Record<string, string> };
  NetworkSettings?: { Networks?: Record<string, NetworkEndpoint> };
}

export interface ContainerState {
  Status?: string;
  Running?: boolean;
  Paused?: boolean;
  Restarting?: boolean;
  Dead?: boolean;
  ExitCode?: number;
  Error?: string;
  OOMKilled?: boolean;
  StartedAt?: string;
  Health?: { Status?: string };
}

/** The container's endpoint on one Docker network. */
export interface NetworkEndpoint {
  NetworkID?: string;
  EndpointID?: string;
  IPAddress?: string;
  GlobalIPv6Address?: string;
}
