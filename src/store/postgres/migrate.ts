import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import type pg from "pg";

/**
 * The folder of the SQL migrations. Found from the package root rather than from this file, because the code may
 * run bundled into one file elsewhere in the repository (test/support/child-bot.ts).
 */
export function migrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the package root for src/store/postgres/migrations");
    dir = parent;
  }
  return join(dir, "src", "store", "postgres", "migrations");
}

/**
 * Applies the migrations not yet applied, in order, in one transaction, forward only (node-pg-migrate keeps the
 * applied ones in `pgmigrations`). Replicas starting together wait for one another on node-pg-migrate's advisory
 * lock instead of failing. Returns the names of the migrations it applied.
 */
export async function migrate(client: pg.ClientBase): Promise<string[]> {
  const applied = await runner({
    dbClient: client,
    dir: migrationsDir(),
    direction: "up",
    migrationsTable: "pgmigrations",
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: "wait",
    log: () => {},
  });
  return applied.map((migration) => migration.name);
}
