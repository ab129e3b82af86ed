import { Status, TaskState } from "./container-status.ts";

const { Created, Running, Stopped, Paused, Restarting, Rebuilding, Error, Unknown, Deleting, Deleted, Dead } = Status;

/**
 * Every container operation, the statuses it is accepted in (the reference's
 * allowed-actions table), the task state it holds while its host works, and the
 * status shown meanwhile where it differs. The functions that accept requests
 * and the agent that settles them both read it; the settled status is Docker's
 * (statusFromDockerState), or Error with a reason.
 */
interface Operation {
  readonly allowedIn: readonly Status[];
  readonly taskState?: TaskState;
  readonly statusDuring?: Status;
}

const DELETING = { taskState: TaskState.ContainerDeleting, statusDuring: Deleting } as const;
const ALL_BUT_PAUSED = Object.values(Status).filter((status) => status !== Paused);

export const OPERATIONS = {
  start: { allowedIn: [Created, Stopped, Error], taskState: TaskState.ContainerStarting },
  stop: { allowedIn: [Running], taskState: TaskState.ContainerStopping },
  pause: { allowedIn: [Running], taskState: TaskState.ContainerPausing },
  unpause: { allowedIn: [Paused], taskState: TaskState.ContainerUnpausing },
  kill: { allowedIn: [Running], taskState: TaskState.ContainerKilling },
  reboot: { allowedIn: [Created, Running, Stopped, Error], taskState: TaskState.ContainerRebooting },
  rebuild: {
    allowedIn: [Created, Running, Stopped, Error],
    taskState: TaskState.ContainerRebuilding,
    statusDuring: Rebuilding,
  },
  // auto_heal's rebuild of a container whose Docker container vanished: whatever it was, it is rebuilt and run.
  heal: {
    allowedIn: [Created, Running, Stopped, Paused, Restarting, Dead, Unknown, Error],
    taskState: TaskState.ContainerRebuilding,
    statusDuring: Rebuilding,
  },
  update: { allowedIn: [Created, Running, Stopped, Paused] },
  commit: { allowedIn: [Running, Stopped, Paused] },
  execute: { allowedIn: [Running] },
  top: { allowedIn: [Running] },
  stats: { allowedIn: [Running] },
  archive: { allowedIn: [Created, Paused, Running, Stopped] },
  logs: { allowedIn: [Created, Error, Paused, Running, Stopped, Unknown] },
  delete: { allowedIn: [Created, Error, Stopped, Deleted, Dead], ...DELETING },
  deleteWithStop: { allowedIn: [Created, Error, Stopped, Deleted, Dead, Running], ...DELETING },
  deleteWithForce: { allowedIn: ALL_BUT_PAUSED, ...DELETING },
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof OPERATIONS;

/** The statuses an operation is accepted in. */
export function allowedStatuses(operation: OperationName): readonly Status[] {
  return OPERATIONS[operation].allowedIn;
}

/** What a container's record shows while its host carries the operation out: the task state, and the status where it changes. */
export function recordWhile(operation: OperationName): { task_state?: TaskState; status?: Status } {
  const { taskState, statusDuring } = OPERATIONS[operation] as Operation;
  return {
    ...(taskState === undefined ? {} : { task_state: taskState }),
    ...(statusDuring === undefined ? {} : { status: statusDuring }),
  };
}

/** Whether an operation is accepted while the container shows this status. */
export function allows(operation: OperationName, status: Status): boolean {
  return allowedStatuses(operation).includes(status);
}

/** Which delete a request asks for: forced (any status but Paused), with a stop first (Running too), or plain. */
export function deleteOperation(options: { force?: boolean; stop?: boolean }): OperationName {
  return options.force ? "deleteWithForce" : options.stop ? "deleteWithStop" : "delete";
}

/** Statuses Docker's state may overwrite; the others belong to an operation or carry a failure's reason. */
export function followsDocker(status: Status): boolean {
  return FOLLOWS_DOCKER.has(status);
}
const FOLLOWS_DOCKER = new Set<Status>([Created, Running, Stopped, Paused, Restarting, Dead, Unknown]);

/** Statuses of a container whose process is (or, on a host gone quiet, was last) running: moved elsewhere, it is run again. */
export function runsOnItsHost(status: Status): boolean {
  return RUNS.has(status);
}
const RUNS = new Set<Status>([Running, Restarting, Paused, Unknown]);

/** A settled container its user left running: Running, or Running until its host went down (a host that rebooted brings it back stopped). */
export function wantedRunning(record: { status: Status; status_before_unknown?: Status | null }): boolean {
  return record.status === Running || (record.status === Unknown && record.status_before_unknown === Running);
}
