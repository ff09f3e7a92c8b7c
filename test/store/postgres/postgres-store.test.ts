import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { runner } from "node-pg-migrate";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CredentialsKeyError, StoreWriteError } from "../../../src/store/errors.js";
import { migrationsDir } from "../../../src/store/postgres/migrate.js";
import { createPostgresStore, type PostgresStoreOptions } from "../../../src/store/postgres/store.js";
import type { Store } from "../../../src/store/types.js";
import { createTestDatabase, type PostgresServer, startPostgres } from "../../support/postgres.js";

const KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);
const DEFAULTS = { timezone: "Europe/Madrid", digestTime: "09:00" } as const;
const TOKEN = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(24).toString("hex")}.c2lnbmF0dXJl`;

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

/** A database migrated up to (not including) the migration whose name starts with `migration`, holding `rows`. */
async function databaseBefore(migration: string, rows: string): Promise<string> {
  const url = await createTestDatabase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const before = (await readdir(migrationsDir())).filter((name) => name < migration).length;
    await runner({
      dbClient: client,
      dir: migrationsDir(),
      direction: "up",
      migrationsTable: "pgmigrations",
      count: before,
      log: () => {},
    });
    await client.query(rows);
  } finally {
    await client.end();
  }
  return url;
}

async function open(url: string, options: Partial<PostgresStoreOptions> = {}): Promise<Store> {
  const store = await createPostgresStore({ url, credentialsKey: KEY, ...options });
  opened.push(store);
  return store;
}

/** Every row of the bot's tables as text, for "never stored in the clear" checks. */
async function everything(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = ["operators", "confirmed_actions", "conversations", "audit_log", "team_groups"];
    const rows: unknown[] = [];
    // One query at a time: a pg client does not queue concurrent queries any more (deprecated in pg 8).
    for (const table of tables) rows.push((await client.query(`SELECT * FROM ${table}`)).rows);
    return JSON.stringify(rows);
  } finally {
    await client.end();
  }
}

describe("PostgreSQL store", () => {
  it("migrates a new database once, with replicas starting at the same time", async () => {
    const url = await createTestDatabase();
    const stores = await Promise.all([open(url), open(url), open(url)]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>("SELECT name FROM pgmigrations ORDER BY id");
    await client.end();
    // Every migration file, each applied once, in order.
    const files = (await readdir(migrationsDir())).map((name) => name.replace(/\.sql$/, "")).sort();
    expect(files).toContain("1764620000100_alert-state");
    expect(files).toContain("1764620000200_team");
    expect(files).toContain("1764620000300_audit-and-groups");
    expect(files).toContain("1764620000400_digest-chart");
    expect(files).toContain("1764620000500_alert-enabled-at");
    expect(files).toContain("1764620000600_member-names");
    expect(rows.map((row) => row.name)).toEqual(files);
    await stores[0]!.updateOperator(7, { locale: "es" });
    expect((await stores[2]!.getOperator(7))?.locale).toBe("es");
  });

  it("upgrades a database from before the digest chart: its operators read the chart off", async () => {
    // The schema as the previous release left it: every migration before 1764620000400_digest-chart.
    const url = await databaseBefore(
      "1764620000400",
      `INSERT INTO operators (telegram_id, digest_enabled, digest_time, digest_channel_ids, created_at, updated_at)
          VALUES (31, true, '07:00', '{5}', now(), now())`,
    );
    const store = await open(url);
    expect((await store.getOperator(31))?.digest).toEqual({
      enabled: true,
      time: "07:00",
      channelIds: [5],
      lastSentLocalDate: null,
      chart: false,
    });
    expect((await store.updateOperator(31, { digest: { chart: true } })).digest).toMatchObject({
      time: "07:00",
      chart: true,
    });
  });

  it("upgrades a database from before alerts recorded when they were turned on: its settings still load", async () => {
    // The schema as the previous release left it: every migration before 1764620000500_alert-enabled-at.
    const url = await databaseBefore(
      "1764620000500",
      `INSERT INTO alert_settings (telegram_id, enabled, channel_ids, min_amount, quiet_from, quiet_to, updated_at)
          VALUES (41, true, '{7}', 5, '22:00', '07:00', now())`,
    );
    const store = await open(url);
    const old = { enabled: true, channelIds: [7], minAmount: 5, quietHours: { from: "22:00", to: "07:00" } };
    expect(await store.alertSettings(41)).toEqual(old);
    expect(await store.alertSubscribers()).toEqual([{ telegramId: 41, settings: old }]);
    const enabledAt = "2025-12-01T10:00:00.000Z";
    await store.setAlertSettings(41, { ...old, enabledAt });
    expect(await store.alertSettings(41)).toEqual({ ...old, enabledAt });
  });

  it("upgrades a database from before teammates' names: its teammates load unnamed and can be named", async () => {
    // The schema as the previous release left it: every migration before 1764620000600_member-names.
    const url = await databaseBefore(
      "1764620000600",
      `INSERT INTO team_members (telegram_id, owner_id, client_id, role, joined_at)
          VALUES (52, 51, 'client-51', 'viewer', '2025-11-30T08:00:00Z')`,
    );
    const store = await open(url);
    const unnamed = {
      telegramId: 52,
      ownerId: 51,
      clientId: "client-51",
      role: "viewer",
      joinedAt: "2025-11-30T08:00:00.000Z",
    };
    expect(await store.getMember(52)).toEqual(unnamed);
    expect(await store.listMembers(51)).toEqual([unnamed]);
    expect(await store.renameMember(52, { firstName: "Ana", username: "ana" })).toBe(true);
    expect(await store.getMember(52)).toEqual({ ...unnamed, firstName: "Ana", username: "ana" });
  });

  it("keeps tokens and flows sealed, and a change made on one replica is seen by another", async () => {
    const url = await createTestDatabase();
    const [a, b] = await Promise.all([open(url), open(url)]);
    await a.saveCredentials(11, { clientId: "client-11", token: TOKEN }, DEFAULTS);
    await a.conversationStorage.write("11", { version: [0, 1], state: { typed: TOKEN } });
    expect(await b.getCredentials(11)).toEqual({ clientId: "client-11", token: TOKEN });
    expect(await b.conversationStorage.read("11")).toEqual({ version: [0, 1], state: { typed: TOKEN } });
    expect(await b.getOperator(11)).toMatchObject({ hasCredentials: true, digest: { enabled: true } });
    expect(await everything(url)).not.toContain(TOKEN);
  });

  it("two replicas changing one operator at once lose no change", async () => {
    const url = await createTestDatabase();
    const [a, b] = await Promise.all([open(url), open(url)]);
    await a.saveCredentials(21, { clientId: "c", token: TOKEN }, DEFAULTS);
    const zones = ["Europe/Madrid", "America/Bogota", "Asia/Tokyo", "UTC"];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? a.updateOperator(21, { digest: { channelIds: [i] } })
          : b.updateOperator(21, { timezone: zones[i % 4]! }),
      ),
    );
    // The chart choice made on one replica while the digest sender (the other) marks a day sent: both stay.
    await Promise.all([
      a.updateOperator(21, { locale: "es", digest: { chart: true } }),
      b.updateOperator(21, { digest: { lastSentLocalDate: "2026-12-01" } }),
    ]);
    const operator = await b.getOperator(21);
    expect(operator).toMatchObject({
      locale: "es",
      clientId: "c",
      digest: { lastSentLocalDate: "2026-12-01", chart: true },
    });
    expect(operator?.digest.channelIds).toHaveLength(1);
  });

  it("runs a confirmed action once when the same confirm reaches two replicas at once", async () => {
    const url = await createTestDatabase();
    const [a, b] = await Promise.all([open(url), open(url)]);
    let runs = 0;
    const createLink = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { link: "https://t.me/+abc" };
    };
    const outcomes = await Promise.all([
      a.runOnce("confirm:31:1", 31, createLink),
      b.runOnce("confirm:31:1", 31, createLink),
      a.runOnce("confirm:31:1", 31, createLink),
    ]);
    expect(runs).toBe(1);
    expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
    // Later, the redelivered confirm gets the stored result on any replica.
    expect(await b.runOnce("confirm:31:1", 31, createLink)).toEqual({
      state: "done",
      result: { link: "https://t.me/+abc" },
      replayed: true,
    });
  });

  it("rotates keys: the new key re-seals everything and the old key alone then opens nothing", async () => {
    const url = await createTestDatabase();
    const before = await open(url);
    await before.saveCredentials(41, { clientId: "c41", token: TOKEN }, DEFAULTS);
    await before.conversationStorage.write("41", { version: [0, 1], state: { step: 2 } });
    await before.close();

    await expect(createPostgresStore({ url, credentialsKey: NEW_KEY })).rejects.toBeInstanceOf(
      CredentialsKeyError,
    );
    const rotating = await open(url, { credentialsKey: NEW_KEY, previousCredentialsKey: KEY });
    expect(await rotating.rotateKeys()).toEqual({ operators: 1, conversations: 1 });
    await rotating.close();

    const after = await open(url, { credentialsKey: NEW_KEY });
    expect(await after.getCredentials(41)).toEqual({ clientId: "c41", token: TOKEN });
    expect(await after.conversationStorage.read("41")).toEqual({ version: [0, 1], state: { step: 2 } });
    await expect(createPostgresStore({ url, credentialsKey: KEY })).rejects.toBeInstanceOf(
      CredentialsKeyError,
    );
  });

  it("expires flows untouched for longer than the TTL, and only those", async () => {
    const url = await createTestDatabase();
    let clock = new Date("2026-12-01T10:00:00Z");
    const store = await open(url, { now: () => clock, conversationTtlMs: 60_000 });
    await store.conversationStorage.write("old", { version: [0, 1], state: 1 });
    clock = new Date("2026-12-01T10:00:50Z");
    await store.conversationStorage.write("recent", { version: [0, 1], state: 2 });
    clock = new Date("2026-12-01T10:01:30Z");
    expect(await store.conversations.listExpired()).toEqual(["old"]);
    expect(await store.conversations.expire()).toEqual(["old"]);
    expect(await store.conversationStorage.read("old")).toBeUndefined();
    expect(await store.conversationStorage.read("recent")).toEqual({ version: [0, 1], state: 2 });
  });
});

describe("PostgreSQL store when the server goes away", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server.destroy());

  it("a write while the server is down is a StoreWriteError; after it restarts the store reconnects by itself", async () => {
    const url = await server.createDatabase();
    const store = await open(url);
    await store.updateOperator(51, { locale: "en" });
    await server.stop();
    await expect(store.updateOperator(51, { locale: "es" })).rejects.toBeInstanceOf(StoreWriteError);
    await server.start();
    expect((await store.getOperator(51))?.locale).toBe("en");
    await store.updateOperator(51, { locale: "es" });
    expect((await store.getOperator(51))?.locale).toBe("es");
  });
});
