import { describe, expect, it } from "vitest";
import { Status, TaskState } from "../../../shared/model/container-status.ts";
import {
  allowedStatuses,
  allows,
  deleteOperation,
  followsDocker,
  OPERATIONS,
  type OperationName,
  recordWhile,
  runsOnItsHost,
  wantedRunning,
} from "../../../shared/model/lifecycle.ts";

const ALL = Object.values(Status);

/** The reference's allowed-actions table (ZUN-REFERENCE.md), written out as Zun documents it. */
const REFERENCE: Record<string, string[]> = {
  start: ["Created", "Stopped", "Error"],
  stop: ["Running"],
  pause: ["Running"],
  kill: ["Running"],
  execute: ["Running"],
  top: ["Running"],
  stats: ["Running"],
  unpause: ["Paused"],
  reboot: ["Created", "Running", "Stopped", "Error"],
  rebuild: ["Created", "Running", "Stopped", "Error"],
  update: ["Created", "Running", "Stopped", "Paused"],
  commit: ["Running", "Stopped", "Paused"],
  archive: ["Created", "Paused", "Running", "Stopped"],
  logs: ["Created", "Error", "Paused", "Running", "Stopped", "Unknown"],
  delete: ["Created", "Error", "Stopped", "Deleted", "Dead"],
  deleteWithStop: ["Created", "Error", "Stopped", "Deleted", "Dead", "Running"],
  deleteWithForce: ALL.filter((status) => status !== "Paused"),
};

describe("the lifecycle table", () => {
  it.each(Object.entries(REFERENCE))("accepts %s in exactly the reference's statuses", (operation, statuses) => {
    expect([...allowedStatuses(operation as OperationName)].sort()).toEqual([...statuses].sort());
    for (const status of ALL) expect(allows(operation as OperationName, status)).toBe(statuses.includes(status));
  });

  it("has no operation the reference does not describe, except auto_heal's own rebuild", () => {
    expect(Object.keys(OPERATIONS).filter((name) => !(name in REFERENCE))).toEqual(["heal"]);
  });

  it("heals a container in every status but the ones an operation or a removal owns", () => {
    expect([...allowedStatuses("heal")].sort()).toEqual(
      ALL.filter((status) => !["Creating", "Rebuilding", "Deleting", "Deleted"].includes(status)).sort(),
    );
  });

  it("shows a task state while a host works, and Rebuilding or Deleting where the status changes too", () => {
    expect(recordWhile("stop")).toEqual({ task_state: TaskState.ContainerStopping });
    expect(recordWhile("rebuild")).toEqual({ task_state: TaskState.ContainerRebuilding, status: Status.Rebuilding });
    expect(recordWhile("deleteWithForce")).toEqual({
      task_state: TaskState.ContainerDeleting,
      status: Status.Deleting,
    });
    expect(recordWhile("logs")).toEqual({});
  });

  it("picks the delete a request asks for, force before stop", () => {
    expect(deleteOperation({})).toBe("delete");
    expect(deleteOperation({ stop: true })).toBe("deleteWithStop");
    expect(deleteOperation({ force: true, stop: true })).toBe("deleteWithForce");
  });
});

describe("the named predicates", () => {
  it("let Docker overwrite only statuses no operation or failure owns", () => {
    expect(ALL.filter(followsDocker).sort()).toEqual(
      ["Created", "Running", "Stopped", "Paused", "Restarting", "Dead", "Unknown"].sort(),
    );
  });

  it("say which containers run on their host (and are run again when moved)", () => {
    expect(ALL.filter(runsOnItsHost).sort()).toEqual(["Paused", "Restarting", "Running", "Unknown"]);
  });

  it("want running a Running container, or one that was Running when its host went quiet", () => {
    expect(wantedRunning({ status: Status.Running })).toBe(true);
    expect(wantedRunning({ status: Status.Unknown, status_before_unknown: Status.Running })).toBe(true);
    expect(wantedRunning({ status: Status.Unknown, status_before_unknown: Status.Stopped })).toBe(false);
    expect(wantedRunning({ status: Status.Stopped })).toBe(false);
  });
});
