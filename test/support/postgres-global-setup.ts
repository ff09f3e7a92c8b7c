import type { TestProject } from "vitest/node";
import { startPostgres } from "./postgres.js";

/** One PostgreSQL server for the whole run; each test file makes its own database on it (createTestDatabase). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide("postgresAdminUrl", server.adminUrl);
  return () => server.destroy();
}
