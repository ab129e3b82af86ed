import { defineConfig } from "vitest/config";

/**
 * Two projects: `unit` needs nothing but Node (no Docker, no emulators) and runs
 * in seconds; `e2e` runs against the real emulators and Docker engine, which its
 * global setup makes sure of. `npm test` runs both, as CI does.
 */
export default defineConfig({
  test: {
    reporters: ["default", "./test/setup/summary-reporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: the end-to-end files each run a gateway, an agent and Docker containers.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts", "test/local/**/*.test.ts", "test/zunclient/**/*.test.ts"],
          globalSetup: ["test/setup/global-setup.ts"],
        },
      },
    ],
  },
});
