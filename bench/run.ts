import { benchCreateToRunning } from "./create-to-running.ts";

/** `npm run bench`: every benchmark, each printing its ratio against a floor measured in the same run. */
const samples = Number(process.env.BENCH_SAMPLES ?? 25);
await benchCreateToRunning(samples);
process.exit(0);
