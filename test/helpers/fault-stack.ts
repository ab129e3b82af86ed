import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll } from "vitest";
import { handler as reconcile } from "../../functions/reconcile/reconcile.ts";
import { startBerth, type TestBerth } from "./berth.ts";

/**
 * The fault-injection tests' stack: one fault at a time, each case ending when
 * records, Docker, host usage and quota usage agree again. Heartbeats come
 * every 2 s and a host is down after 6 s without one; the tests run the
 * reconcile function every second; an operation that stands still for 5 s is
 * overdue. Each case's time to converge is printed at the end.
 */
export const HEARTBEAT_SECONDS = 2;
const RECONCILE_SECONDS = 1;

export interface FaultStack {
  berth: TestBerth;
  /** The first host's agent, which the tests kill, stop and replace. */
  agentA: ChildProcess;
  hostA: string;
  convergence: Array<{ fault: string; seconds: number }>;
  startAgentA(extra?: Record<string, string>): Promise<ChildProcess>;
  replaceAgentA(extra?: Record<string, string>): Promise<void>;
  /** Runs the reconcile function every period until `done` holds; returns the seconds it took from `since`. */
  reconcileUntil(done: () => Promise<boolean>, since: number, timeoutMs?: number): Promise<number>;
  /** A container's status once no work on it is in flight, else undefined. */
  statusOf(uuid: string): Promise<string | undefined>;
  exited(child: ChildProcess): Promise<void>;
}

/** Starts the stack before the file's tests and stops it (printing the convergence times) after. */
export function useFaultStack(): FaultStack {
  const faults = { convergence: [] } as unknown as FaultStack;
  let berth: TestBerth;
  beforeAll(async () => {
    berth = await startBerth({
      agents: 0,
      environment: {
        BERTH_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
        BERTH_HOST_DOWN_AFTER_SECONDS: "6",
        BERTH_VISIBILITY_SECONDS: "3",
        BERTH_OPERATION_TIMEOUT_SECONDS: "5",
        BERTH_SYNC_SECONDS: "2",
      },
    });
    faults.berth = berth;
    faults.agentA = await startAgentA();
    faults.hostA = (await berth.stores.hosts.list())[0]!.id;
  }, 120_000);

  afterAll(async () => {
    faults.agentA?.kill("SIGCONT");
    await berth?.stop();
    console.log(
      [
        "time to converge, per fault (heartbeat every 2 s, reconcile every 1 s):",
        ...faults.convergence.map(
          (c) =>
            `  ${c.fault}: ${c.seconds.toFixed(1)} s = ${(c.seconds / HEARTBEAT_SECONDS).toFixed(1)} heartbeat periods`,
        ),
      ].join("\n"),
    );
  });

  async function startAgentA(extra: Record<string, string> = {}): Promise<ChildProcess> {
    const before = await berth.stores.hosts.list();
    const child = berth.stack.startAgent(extra);
    // Ready once its heartbeat is newer than what was recorded when it started.
    const since = Date.now();
    const deadline = since + 60_000;
    for (;;) {
      const hosts = await berth.stores.hosts.list();
      if (
        hosts.length > before.length ||
        hosts.some((host) => host.heartbeat_at >= since && (faults.hostA === undefined || host.id === faults.hostA))
      )
        break;
      if (Date.now() > deadline)
        throw new Error(
          `the agent did not start within 60 s (${child.exitCode === null && child.signalCode === null ? "still running" : `it exited: ${child.exitCode ?? child.signalCode}`})`,
        );
      await sleep(100);
    }
    return child;
  }

  function exited(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => child.once("exit", () => resolve()));
  }

  async function replaceAgentA(extra: Record<string, string> = {}): Promise<void> {
    faults.agentA.kill("SIGTERM");
    await exited(faults.agentA);
    faults.agentA = await startAgentA(extra);
  }

  /** Runs the reconcile function every period until `done` holds; returns the seconds it took from `since`. */
  async function reconcileUntil(done: () => Promise<boolean>, since: number, timeoutMs = 40_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error("did not converge in time");
      await reconcile();
      await sleep(RECONCILE_SECONDS * 1000);
    }
    return (Date.now() - since) / 1000;
  }

  async function statusOf(uuid: string): Promise<string | undefined> {
    const record = await berth.stores.containers.get(uuid);
    return record && !record.task_state && record.settled_generation === record.generation ? record.status : undefined;
  }
  return Object.assign(faults, { startAgentA, replaceAgentA, reconcileUntil, statusOf, exited });
}
