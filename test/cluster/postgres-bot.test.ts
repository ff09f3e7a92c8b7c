import { existsSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";
import { createTestDatabase } from "../support/postgres.js";

let h: Harness;
let databaseUrl: string;
beforeAll(async () => {
  databaseUrl = await createTestDatabase("bot");
  h = await startHarness({ env: { STORE: "postgres", DATABASE_URL: databaseUrl } });
});
afterAll(() => h?.stop());

describe("the bot on STORE=postgres", () => {
  it("keeps logins, settings and a flow in progress across a restart, with nothing secret in clear", async () => {
    const op = h.operator();
    await op.login();
    await op.click("Language", /Choose your language/);
    await op.click("Español", /Idioma cambiado a español/);
    // A flow left waiting for typed input, carried on after the restart.
    await op.send("/timezone", /UTC/);
    await h.restart();
    await op.send("America/Bogota", /America\/Bogota/);
    const account = await op.send("/account", /ID de cliente/);
    expect(account.text).toContain("Idioma: Español");

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ timezone: string; locale: string; token_sealed: string }>(
      "SELECT timezone, locale, token_sealed FROM operators WHERE telegram_id = $1",
      [op.user.id],
    );
    const dump = await client.query("SELECT * FROM operators, conversations");
    await client.end();
    expect(rows[0]).toMatchObject({ timezone: "America/Bogota", locale: "es" });
    expect(JSON.stringify(dump.rows)).not.toContain(op.account.token);
    // Nothing went to the lowdb files.
    expect(existsSync(join(h.dataDir, "operators.json"))).toBe(false);
  });
});
