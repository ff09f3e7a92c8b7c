import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
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
/** Invitation codes: only their hashes are stored; neither may show in the copy's output. */
const CODES = [1, 2, 3].map(() => randomBytes(12).toString("base64url"));
const HASHES = CODES.map((code) => createHash("sha256").update(code).digest("hex"));

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
  // Operator 1's team of two (a manager and a viewer), a pending invitation, the group link and their audit
  // entries; operator 2's credentials were refused.
  for (const [index, codeHash] of HASHES.entries()) {
    await store.createInvitation({
      id: `invite-${index}`,
      ownerId: 1,
      clientId: "client-1",
      role: index === 0 ? "manager" : "viewer",
      codeHash,
      expiresAt: "2027-01-01T00:00:00.000Z",
    });
  }
  for (const [index, memberId] of [10, 11].entries()) {
    // One teammate joined with a Telegram name, one before names were kept.
    await store.redeemInvitation(
      HASHES[index]!,
      memberId,
      index === 0 ? { firstName: "Ana <b>&", username: "ana" } : undefined,
    );
    await store.recordAudit({
      account: 1,
      key: `joined:${memberId}`,
      actor: memberId,
      action: "member_joined",
      details: { memberId },
    });
  }
  await store.connectTeamGroup(
    {
      account: 1,
      chatId: -100200,
      title: "Sales <team>",
      digest: true,
      alerts: false,
      connectedBy: 10,
      connectedAt: "2026-03-04T06:00:00.000Z",
    },
    { account: 1, key: "group:1", actor: 10, action: "group_connected", details: { groupId: -100200 } },
  );
  await store.setCredentialsRefused(2, true);
}
const TEAM = { members: 2, invitations: 3, refused: 1 };
const AUDIT = { entries: 3, groups: 1 };

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
  expect(await target.exportTeam()).toEqual(await source.exportTeam());
  expect(await target.exportAudit()).toEqual(await source.exportAudit());
}
const ALERTS = { settings: 2, accounts: 1, entries: 2, notices: 1, sent: 1 };

describe("store:copy", () => {
  it("moves lowdb to PostgreSQL and back with every setting, login, flow, confirmed action, time, team, audit entry and group link; running it again changes nothing", async () => {
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
      team: TEAM,
      audit: AUDIT,
    });
    expect(first.target).toMatchObject({ alerts: ALERTS, team: TEAM, audit: AUDIT });
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
    // The team works on the target: members keep their roles and join times, the pending code still joins,
    // a used one is refused, the refused mark and the audit entries' original times are kept.
    expect(
      (await target.listMembers(1)).map((member) => [member.telegramId, member.role, member.firstName]),
    ).toEqual([
      [10, "manager", "Ana <b>&"],
      [11, "viewer", undefined],
    ]);
    expect(await target.getMember(10)).toEqual(await source.getMember(10));
    expect(await target.redeemInvitation(HASHES[0]!, 12)).toEqual({ ok: false, reason: "used" });
    expect(await target.credentialsRefused(2)).toBe(true);
    expect(await target.listAudit(1, { offset: 0, limit: 10 })).toEqual(
      await source.listAudit(1, { offset: 0, limit: 10 }),
    );
    expect(await target.findTeamGroup(-100200)).toMatchObject({ account: 1, title: "Sales <team>" });

    const { store: back } = await lowdb();
    const report = await copyStore(target, back);
    expect(copyVerified(report)).toBe(true);
    expect(report).toMatchObject({ team: TEAM, audit: AUDIT, target: { team: TEAM, audit: AUDIT } });
    expect(await back.exportAlertState()).toEqual(await source.exportAlertState());
    expect(await copyStore(target, back)).toEqual(report);
    await expectSameRecords(source, back);
    expect(await back.getCredentials(2)).toEqual({ clientId: "client-2", token: "second-token" });
    expect((await back.redeemInvitation(HASHES[2]!, 12)).ok).toBe(true);
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
      team: TEAM,
      audit: AUDIT,
      target: { alerts: ALERTS, team: TEAM, audit: AUDIT },
      verified: true,
    });
    // The code hashes are no secret but are not printed either, nor anything of the team's or log's contents.
    const hidden = [TOKEN, "second-token", KEY.toString("hex"), new URL(url).password, ...CODES, ...HASHES];
    for (const secret of [...hidden, "Sales <team>", "joined:10"]) {
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
