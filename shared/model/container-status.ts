/** Zun's container statuses and task states, as stored and as the API shows them (what moves between them is in lifecycle.ts). */
export const Status = {
  Creating: "Creating",
  Created: "Created",
  Running: "Running",
  Stopped: "Stopped",
  Paused: "Paused",
  Restarting: "Restarting",
  Rebuilding: "Rebuilding",
  Error: "Error",
  Unknown: "Unknown",
  Deleting: "Deleting",
  Deleted: "Deleted",
  Dead: "Dead",
} as const;
export type Status = (typeof Status)[keyof typeof Status];

export const TaskState = {
  ImagePulling: "image_pulling",
  ContainerCreating: "container_creating",
  ContainerStarting: "container_starting",
  ContainerStopping: "container_stopping",
  ContainerRebooting: "container_rebooting",
  ContainerPausing: "container_pausing",
  ContainerUnpausing: "container_unpausing",
  ContainerKilling: "container_killing",
  ContainerDeleting: "container_deleting",
  ContainerRebuilding: "container_rebuilding",
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** Docker's view of a container mapped to Zun's status. */
export function statusFromDockerState(state: {
  Status?: string;
  Running?: boolean;
  Paused?: boolean;
  Restarting?: boolean;
  Dead?: boolean;
  StartedAt?: string;
}): Status {
  if (state.Dead || state.Status === "dead") return Status.Dead;
  if (state.Paused || state.Status === "paused") return Status.Paused;
  if (state.Restarting || state.Status === "restarting") return Status.Restarting;
  if (state.Running || state.Status === "running") return Status.Running;
  if (state.Status === "created") return Status.Created;
  return Status.Stopped;
}
