import { DockerOperationError } from "../../agents/host-agent/docker/docker-errors.ts";
import type { ContainerCreateSpec } from "../../agents/host-agent/docker/docker-port.ts";
import type { ContainerInspection, ContainerState } from "../../agents/host-agent/docker/inspect-shape.ts";

/** A container the fake engine holds. */
export interface FakeContainer {
  id: string;
  name: string;
  spec: ContainerCreateSpec;
  state: ContainerState;
  restartCount: number;
}

/** What Docker's inspect shows of a fake container: running, it has an address on each of its networks. */
export function inspectionOf(container: FakeContainer): ContainerInspection {
  const networks = Object.keys(container.spec.NetworkingConfig?.EndpointsConfig ?? {});
  return {
    Id: container.id,
    Name: `/${container.name}`,
    State: { ...container.state },
    RestartCount: container.restartCount,
    Config: { Labels: { ...container.spec.Labels } },
    NetworkSettings: {
      Networks: Object.fromEntries(
        networks.map((network, index) => [
          network,
          container.state.Running
            ? {
                NetworkID: network,
                EndpointID: `endpoint-${container.id.slice(0, 8)}`,
                IPAddress: `10.0.0.${index + 2}`,
              }
            : { NetworkID: network },
        ]),
      ),
    },
  };
}

export function notFound(operation: string, message = "not found"): DockerOperationError {
  return new DockerOperationError(operation, "not_found", message);
}

export function hasLabels(present: Record<string, string> | undefined, wanted: string[] | undefined): boolean {
  return (wanted ?? []).every((label) => {
    const [key, ...value] = label.split("=");
    return present?.[key!] === value.join("=");
  });
}
