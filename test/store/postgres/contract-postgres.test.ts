import { createHash } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createPostgresStore } from "../../../src/store/postgres/store.js";
import type { Store } from "../../../src/store/types.js";
import { createTestDatabase } from "../../support/postgres.js";
import { describeStoreContract, KEY, type StoreBackend } from "../contract.js";
import { rot } from "../helpers.js";

/** A fresh database per test; tampering goes straight at the rows, as someone with database access could. */
async function postgresBackend(): Promise<StoreBackend> {
  const url = await createTestDatabase("contract");
  const abandoned: Store[] = [];
  const sql = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    open: (options) => createPostgresStore({ ...options, url }),
    async openAfterCrash(crashed, options) {
      // A process killed now leaves exactly what was committed; its connections are dropped when the test ends.
      abandoned.push(crashed);
      return createPostgresStore({ ...options, url });
    },
    async rawText() {
      const tables = await sql<{ dump: string }>(
        `SELECT (SELECT coalesce(json_agg(o), '[]') FROM operators o)::text
          || (SELECT coalesce(json_agg(a), '[]') FROM confirmed_actions a)::text
          || (SELECT coalesce(json_agg(c), '[]') FROM conversations c)::text
          || (SELECT coalesce(json_agg(i), '[]') FROM team_invitations i)::text AS dump`,
      );
      return tables[0]!.dump;
    },
    async damageToken(telegramId) {
      const [row] = await sql<{ token_sealed: string }>(
        "SELECT token_sealed FROM operators WHERE telegram_id = $1",
        [telegramId],
      );
      await sql("UPDATE operators SET token_sealed = $2 WHERE telegram_id = $1", [
        telegramId,
        rot(row!.token_sealed),
      ]);
    },
    async damageFlow(key) {
      const [row] = await sql<{ sealed: string }>("SELECT sealed FROM conversations WHERE key = $1", [key]);
      await sql("UPDATE conversations SET sealed = $2 WHERE key = $1", [key, rot(row!.sealed)]);
    },
    async copyToken(from, to) {
      await sql(
        "UPDATE operators SET token_sealed = (SELECT token_sealed FROM operators WHERE telegram_id = $1) WHERE telegram_id = $2",
        [from, to],
      );
    },
    async forgetDigestChart(telegramId) {
      // A row from before migration 1764620000400 holds what adding the column gave it: the default.
      await sql("UPDATE operators SET digest_chart = DEFAULT WHERE telegram_id = $1", [telegramId]);
    },
    async dispose() {
      await Promise.all(abandoned.splice(0).map((store) => store.close().catch(() => undefined)));
    },
  };
}

describeStoreContract("postgres", postgresBackend);

describe("team invitations across replicas", () => {
  it("two replicas redeeming one code at once: exactly one teammate joins", async () => {
    const url = await createTestDatabase("team-redeem");
    const clock = () => new Date("2024-06-01T00:00:00Z");
    const replicas = await Promise.all(
      [0, 1].map(() => createPostgresStore({ url, credentialsKey: KEY, now: clock })),
    );
    try {
      const codeHash = createHash("sha256").update("the code").digest("hex");
      await replicas[0]!.createInvitation({
        id: "inv-replicas",
        ownerId: 1,
        clientId: "client-1",
        role: "viewer",
        codeHash,
        expiresAt: "2024-06-02T00:00:00.000Z",
      });
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => replicas[i % 2]!.redeemInvitation(codeHash, 50 + i)),
      );
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
      expect(await replicas[1]!.listMembers(1)).toHaveLength(1);
    } finally {
      await Promise.all(replicas.map((store) => store.close()));
    }
  });
});
