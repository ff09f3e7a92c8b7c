import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyStore, copyVerified } from "../../../src/store/copy.js";
import { createStore } from "../../../src/store/index.js";
import { createPostgresStore } from "../../../src/store/postgres/store.js";
import type { Store } from "../../../src/store/types.js";
import { createTestDatabase } from "../../support/postgres.js";
import { sale } from "../contract-alerts.js";

const KEY = randomBytes(32);
const TOKEN = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(24).toString("hex")}.c2lnbmF0dXJl`;
const DEFAULTS = { timezone: "Europe/Madrid", digestTime: "07:30" } as const;

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close().catch(() => {})));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function lowdb(dataDir?: string, now?: () => Date): Promise<{ store: Store; dir: string }> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), "copy-")));
  dirs.push(dir);
  const store = await createStore({ dataDir: dir, credentialsKey: KEY, ...(now ? { now } : {}) });
  stores.push(store);
  return { store, dir };
}
async function postgres(url: string): Promise<Store> {
  const store = await createPostgresStore({ url, credentialsKey: KEY });
  stores.push(store);
  return store;
}

/** A small deployment: a logged-in operator mid-flow, one with custom digest settings (the chart on), one who never
 * logged in. */
async function seed(store: Store): Promise<void> {
  await store.saveCredentials(1, { clientId: "client-1", token: TOKEN }, { ...DEFAULTS, locale: "es" });
  await store.updateOperator(1, { lastChannelId: -1001, digest: { channelIds: [-1001, -1002] } });
  await store.conversationStorage.write("1", { version: [0, 1], state: { typed: TOKEN } });
  await store.saveCredentials(2, { clientId: "client-2", token: "second-token" }, DEFAULTS);
  await store.updateOperator(2, { digest: { enabled: false, lastSentLocalDate: "2026-11-30", chart: true } });
  await store.updateOperator(3, { locale: "en", timezone: "Asia/Tokyo" });
  // Alerts: two operators' settings, the account's poller, sales waiting, a notice, a sale already sent.
  await store.setAlertSettings(1, {
    enabled: true,
    channelIds: [-1001],
    minAmount: 5,
    quietHours: { from: "22:00", to: "08:00" },
  });
  await store.setAlertSettings(2, { enabled: false, channelIds: null, minAmount: 0, quietHours: null });
  await store.recordAlertPoll({
    account: {
      clientId: "client-1",
      watermark: "2026-12-01T10:00:00.000Z",
      seen: { "id:1": "2026-12-01T09:59:00.000Z" },
      outage: null,
      refusedToken: null,
    },
    at: "2026-12-01T10:00:00.000Z",
    queued: [{ telegramId: 1, mode: "quiet", sales: [sale(1), sale(2), sale(3)], notice: "recovered" }],
  });
  await store.markAlertsSent(1, { saleKeys: ["id:1"] }, new Date("2026-12-01T10:00:05.000Z"), new Date(0));
  // A link created by a confirm (its result kept for a redelivery) and one cut off mid-action.
  await store.runOnce("link:1:42", 1, async () => ({ url: "https://t.me/+abc", name: "Bio", ids: [1, 2] }));
  await store.putConfirmedActions([
    { actionId: "welcome:2:7", telegramId: 2, state: "pending", at: "2026-03-04T05:00:00.000Z" },
  ]);
}

/** A clock a minute further at each reading: every stored time differs from the copy's own "now". */
function pastClock(): () => Date {
  let at = Date.parse("2026-03-04T05:06:07.089Z");
  return () => {
    at += 60_000;
    return new Date(at);
  };
}

const byId = (records: { actionId: string }[]) =>
  [...records].sort((a, b) => a.actionId.localeCompare(b.actionId));

/** Operators (times included) and confirmed actions of `target` are those of `source`. */
async function expectSameRecords(source: Store, target: Store): Promise<void> {
  const sorted = async (store: Store) =>
    (await store.listOperators()).sort((a, b) => a.telegramId - b.telegramId);
  expect(await sorted(target)).toEqual(await sorted(source));
  expect(byId(await target.listConfirmedActions())).toEqual(byId(await source.listConfirmedActions()));
}
const ALERTS = { settings: 2, accounts: 1, entries: 2, notices: 1, sent: 1 };

describe("store:copy", () => {
  it("moves lowdb to PostgreSQL and back with every setting, login, flow, confirmed action and time; running it again changes nothing", async () => {
    const { store: source } = await lowdb(undefined, pastClock());
    await seed(source);
    const target = await postgres(await createTestDatabase("copy"));

    const first = await copyStore(source, target);
    expect(first).toMatchObject({
      operators: 3,
      loggedIn: 2,
      flows: 1,
      actions: 2,
      mismatches: 0,
      alerts: ALERTS,
    });
    expect(first.target.alerts).toEqual(ALERTS);
    expect(copyVerified(first)).toBe(true);
    expect(await copyStore(source, target)).toEqual(first);
    await expectSameRecords(source, target);
    expect(await target.exportAlertState()).toEqual(await source.exportAlertState());
    expect((await target.getOperator(1))?.createdAt).toBe((await source.getOperator(1))?.createdAt);
    // A confirm redelivered after the move gets the stored result; the action does not run again.
    const replay = await target.runOnce("link:1:42", 1, async () => {
      throw new Error("ran twice");
    });
    expect(replay).toEqual({
      state: "done",
      result: { url: "https://t.me/+abc", name: "Bio", ids: [1, 2] },
      replayed: true,
    });
    expect(await target.getCredentials(1)).toEqual({ clientId: "client-1", token: TOKEN });
    expect(await target.conversationStorage.read("1")).toEqual({ version: [0, 1], state: { typed: TOKEN } });
    expect(await target.getOperator(2)).toMatchObject({
      digest: { enabled: false, lastSentLocalDate: "2026-11-30", chart: true },
    });
    expect((await target.getOperator(1))?.digest.chart).toBe(false);

    const { store: back } = await lowdb();
    const report = await copyStore(target, back);
    expect(copyVerified(report)).toBe(true);
    expect(await back.exportAlertState()).toEqual(await source.exportAlertState());
    expect(await copyStore(target, back)).toEqual(report);
    await expectSameRecords(source, back);
    expect(await back.getCredentials(2)).toEqual({ clientId: "client-2", token: "second-token" });
    expect(await back.getOperator(3)).toMatchObject({
      locale: "en",
      timezone: "Asia/Tokyo",
      hasCredentials: false,
    });
  });

  it("the npm script prints counts only, and refuses a target that holds other data", async () => {
    const { store: source, dir } = await lowdb();
    await seed(source);
    await source.close();
    const url = await createTestDatabase("copycli");
    const env = {
      ...process.env,
      BOT_TOKEN: "123456:TEST_fake_token_for_store_copy_1",
      PREMIUMPAY_API_URL: "http://127.0.0.1:9/",
      CREDENTIALS_KEY: KEY.toString("hex"),
      DATA_DIR: dir,
      DATABASE_URL: url,
    };
    const copy = () =>
      spawnSync("npm", ["run", "--silent", "store:copy", "--", "--from", "lowdb", "--to", "postgres"], {
        env,
        encoding: "utf8",
      });
    const done = copy();
    expect(done.stderr).toBe("");
    expect(done.status).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({
      operators: 3,
      loggedIn: 2,
      flows: 1,
      alerts: ALERTS,
      target: { alerts: ALERTS },
      verified: true,
    });
    for (const secret of [TOKEN, "second-token", KEY.toString("hex"), new URL(url).password]) {
      expect(done.stdout + done.stderr).not.toContain(secret);
    }

    const other = await postgres(url);
    await other.updateOperator(99, { locale: "es" });
    const refused = copy();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("counts differ");
    expect(JSON.parse(refused.stdout)).toMatchObject({
      operators: 3,
      target: { operators: 4 },
      verified: false,
    });
  }, 60_000);
});
