import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALERT_SETTINGS } from "../../src/alerts/index.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { type BotApiEmulator, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { createPostgresStore } from "../../src/store/postgres/store.js";
import { bundleMain, ChatUser, ChildBot, type ChildBundle, childEnv } from "../support/child-bot.js";
import { createTestDatabase } from "../support/postgres.js";

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The bound for another replica to take over after the leader died. */
const TAKEOVER_BOUND_MS = 15_000;

let bundle: ChildBundle;
let telegram: BotApiEmulator;
let premiumpay: PremiumpaySandbox;
let dataDir: string;
const bots: ChildBot[] = [];
beforeAll(async () => {
  [bundle, telegram, premiumpay, dataDir] = await Promise.all([
    bundleMain(),
    startBotApiEmulator(),
    startPremiumpaySandbox({ seed: 3 }),
    mkdtemp(join(tmpdir(), "ppbot-replicas-")),
  ]);
});
afterAll(async () => {
  await Promise.all(bots.map((bot) => bot.killHard()));
  await Promise.all([bundle?.remove(), telegram?.close(), premiumpay?.close()]);
  await rm(dataDir, { recursive: true, force: true });
});

const isLeader = (line: string) => line.includes('"msg":"elected leader');

describe("replicas as real processes on PostgreSQL (polling mode)", () => {
  it("only the elected replica polls; SIGKILLed, another takes over within 15 s and serves the same operator", async () => {
    const credentialsKey = randomBytes(32).toString("hex");
    const databaseUrl = await createTestDatabase("replicas");
    const shared = {
      credentialsKey,
      extra: {
        STORE: "postgres",
        DATABASE_URL: databaseUrl,
        ALERTS_POLL_SECONDS: "1",
        ALERTS_GROUP_SECONDS: "0",
      },
    };
    // One configuration for both, data folder included: everything they keep is in PostgreSQL.
    const env = childEnv({ telegram, premiumpay, dataDir, ...shared });
    const replicas = await Promise.all([0, 1].map(() => ChildBot.start(env, { entry: bundle.entry })));
    bots.push(...replicas);
    const leaderLine = await Promise.any(replicas.map((bot) => bot.waitForLog(isLeader, 15_000)));
    expect(leaderLine).toBeTruthy();
    const leader = replicas.find((bot) => bot.output().some(isLeader))!;
    const standby = replicas.find((bot) => bot !== leader)!;
    expect(standby.output().some(isLeader)).toBe(false);

    const operator = new ChatUser(telegram, { id: 810_001, first_name: "Ana", language_code: "en" });
    await operator.send("/start", (message) => /client id/i.test(message.text));
    await operator.send(premiumpay.demoClient.clientId, (message) => /token/i.test(message.text));
    await operator.send(
      premiumpay.demoClient.token,
      (message) => /logged in|menu/i.test(message.text),
      10_000,
    );

    // Alerts turned on from outside the leader (as /alerts on another replica would): the leader's poller reads it.
    const elsewhere = await createPostgresStore({
      url: databaseUrl,
      credentialsKey: Buffer.from(credentialsKey, "hex"),
    });
    const { clientId } = premiumpay.demoClient;
    const channelId = premiumpay.data(clientId).channels[0]!.id;
    const polls = () =>
      premiumpay.requests.filter(
        (r) => r.clientId === clientId && (r.endpoint === "sales" || r.endpoint === "channelSales"),
      ).length;
    const outboxOf = async () =>
      (await elsewhere.alertOutboxes()).find((box) => box.telegramId === operator.chatId);
    const waitForMarks = async (count: number) => {
      const deadline = Date.now() + 10_000;
      while (Object.keys((await outboxOf())?.sent ?? {}).length < count && Date.now() < deadline)
        await sleep(50);
    };
    try {
      await elsewhere.setAlertSettings(operator.chatId, { ...DEFAULT_ALERT_SETTINGS, enabled: true });
      const before = polls();
      await waitUntil(() => polls() > before, "the elected replica's first poll of the account");
      premiumpay.addSale(clientId, { channelId, amount: 123.45 });
      await telegram.waitForBotMessage(operator.chatId, (message) => message.text.includes("123.45"), 15_000);
      // Killed once the sent mark is written (a kill between Telegram's answer and the mark may double a sale).
      await waitForMarks(1);

      await leader.killHard();
      await standby.waitForLog(isLeader, TAKEOVER_BOUND_MS);
      const account = await operator.send("/account", (message) => /Client id/.test(message.text), 10_000);
      expect(account.text).toContain(clientId);

      // The new leader carries on from the shared watermark and sent marks: the next sale once, the first not again.
      premiumpay.addSale(clientId, { channelId, amount: 234.56 });
      await telegram.waitForBotMessage(operator.chatId, (message) => message.text.includes("234.56"), 20_000);
      await waitForMarks(2);
      const alerts = (amount: string) =>
        telegram
          .chat(operator.chatId)
          .botMessages()
          .filter((message) => message.text.includes(amount)).length;
      expect([alerts("123.45"), alerts("234.56")]).toEqual([1, 1]);
      const outbox = await outboxOf();
      expect(outbox?.entries).toEqual([]);
      expect(Object.keys(outbox?.sent ?? {})).toHaveLength(2);
    } finally {
      await elsewhere.close();
    }
  }, 90_000);
});
