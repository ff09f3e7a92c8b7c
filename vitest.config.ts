import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    setupFiles: ["test/support/no-warnings.ts"],
    // One real PostgreSQL server per run, for the postgres backend's tests (test/support/postgres.ts).
    globalSetup: ["test/support/postgres-global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // End-to-end tests start real HTTP servers on ephemeral ports; forks keep each file's servers isolated.
    pool: "forks",
    // Most files wait on child processes, servers and PostgreSQL rather than compute: three files at a time keep a
    // 2-core machine busy (the default, one fewer than the cores, left it half idle: ~750 s instead of ~450 s).
    maxWorkers: 3,
    // On a shared CI runner a process-level test can lose its time budget to a neighbour (a child bot's start, a
    // PostgreSQL fsync). One more try there; a failure that repeats still fails the run, and the report names it.
    retry: process.env.CI ? 1 : 0,
    reporters: ["default"],
  },
});
