import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, startPostgres } from "../../support/postgres.js";

describe("test PostgreSQL server", () => {
  it("gives each caller an empty database of its own on the run's server", async () => {
    const [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(first).not.toBe(second);
    const client = new pg.Client({ connectionString: first });
    await client.connect();
    const { rows } = await client.query<{ db: string }>("select current_database() as db");
    await client.end();
    expect(first.endsWith(`/${rows[0]?.db}`)).toBe(true);
  });

  const owned: Array<{ destroy(): Promise<void> }> = [];
  afterAll(() => Promise.all(owned.map((server) => server.destroy())));

  it("a server of a test's own restarts on the same port with its data", async () => {
    const server = await startPostgres();
    owned.push(server);
    const url = await server.createDatabase();
    const write = new pg.Client({ connectionString: url });
    await write.connect();
    await write.query("create table t (v int); insert into t values (42)");
    await write.end();
    await server.stop();
    await server.start();
    const read = new pg.Client({ connectionString: url });
    await read.connect();
    const { rows } = await read.query<{ v: number }>("select v from t");
    await read.end();
    expect(rows).toEqual([{ v: 42 }]);
  });
});
