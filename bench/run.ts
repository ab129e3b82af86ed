import { benchAgent } from "./agent.ts";
import { benchCreateToRunning } from "./create-to-running.ts";
import { benchInteractiveLatency } from "./interactive-latency.ts";
import { benchReconcileCost } from "./reconcile-cost.ts";
import { benchScheduler } from "./scheduler.ts";

/** `npm run bench`: every benchmark, each printing its ratio against a floor measured in the same run. */
const only = process.env.BENCH_ONLY;
if (!only || only === "create") await benchCreateToRunning(Number(process.env.BENCH_SAMPLES ?? 25));
if (!only || only === "scheduler")
  await benchScheduler(
    (process.env.BENCH_HOSTS ?? "10,1000,5000").split(",").map(Number),
    Number(process.env.BENCH_PLACEMENTS ?? 400),
  );
if (!only || only === "reconcile") await benchReconcileCost();
if (!only || only === "agent")
  await benchAgent({ compare: Number(process.env.BENCH_CONTAINERS ?? 100), rss: [100, 500] });
if (!only || only === "interactive") await benchInteractiveLatency(Number(process.env.BENCH_ECHOES ?? 300));
process.exit(0);
