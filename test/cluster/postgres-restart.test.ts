import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";
import { type PostgresServer, startPostgres } from "../support/postgres.js";

let database: PostgresServer;
let h: Harness;
beforeAll(async () => {
  database = await startPostgres();
  h = await startHarness({ env: { STORE: "postgres", DATABASE_URL: await database.createDatabase() } });
});
afterAll(async () => {
  await h?.stop();
  await database?.destroy();
});

describe("PostgreSQL restarted while the bot runs", () => {
  it("the operator is told while the database is down; afterwards the bot reconnects and confirmed changes are kept", async () => {
    const op = h.operator();
    await op.login();
    await op.send("/timezone", /UTC/);
    await op.send("Asia/Tokyo", /Asia\/Tokyo/);

    await database.stop();
    try {
      // The operator's language cannot be read either: the note comes in the default one.
      await op.send("/language", /Your change was not saved/, 15_000);
    } finally {
      await database.start();
    }
    const account = await op.send("/account", /Client id/, 15_000);
    expect(account.text).toContain("Asia/Tokyo");
  }, 60_000);
});
