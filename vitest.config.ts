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
    reporters: ["default"],
  },
});
