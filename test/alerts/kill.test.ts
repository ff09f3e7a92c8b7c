import { randomBytes, randomInt } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALERT_SETTINGS } from "../../src/alerts/index.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import {
  type BotApiEmulator,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";
import { createStore } from "../../src/store/index.js";
import { createPostgresStore } from "../../src/store/postgres/store.js";
import { bundleMain, ChildBot, type ChildBundle, childEnv } from "../support/child-bot.js";
import { createTestDatabase } from "../support/postgres.js";
import { salesInMessage } from "./support.js";

const KILLS = 8;

let bundle: ChildBundle;
let telegram: BotApiEmulator;
let premiumpay: PremiumpaySandbox;
let dataDir: string;
beforeAll(async () => {
  [bundle, telegram, premiumpay] = await Promise.all([
    bundleMain(),
    startBotApiEmulator(),
    startPremiumpaySandbox({ seed: 3 }),
  ]);
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-alerts-kill-"));
});
afterAll(async () => {
  await Promise.all([bundle?.remove(), telegram?.close(), premiumpay?.close()]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Where the killed bot keeps its data: the data folder's files, or PostgreSQL (where a restart is a new leader). */
const backends = {
  lowdb: async () => ({ extra: {}, open: (key: Buffer) => createStore({ dataDir, credentialsKey: key }) }),
  postgres: async () => {
    const url = await createTestDatabase("alerts_kill");
    return {
      extra: { STORE: "postgres", DATABASE_URL: url },
      open: (key: Buffer) => createPostgresStore({ url, credentialsKey: key }),
    };
  },
};

describe.each(Object.keys(backends) as (keyof typeof backends)[])(
  "sales alerts across hard kills (%s)",
  (backend) => {
    it(`the real bot SIGKILLed ${KILLS} times at random moments: no sale missed; doubled only the messages in flight at a kill`, async () => {
      const key = randomBytes(32).toString("hex");
      const storage = await backends[backend]();
      const accounts = [premiumpay.addClient({ channels: 2 }), premiumpay.addClient({ channels: 3 })];
      // Chats of their own per backend: both runs share the emulator.
      const base = backend === "lowdb" ? 9100 : 9200;
      const operators = [
        { id: base + 1, account: accounts[0]! },
        { id: base + 2, account: accounts[0]! },
        { id: base + 3, account: accounts[1]! },
      ];
      const store = await storage.open(Buffer.from(key, "hex"));
      for (const { id, account } of operators) {
        telegram.addUser({ id, first_name: `Operator ${id}` });
        await store.saveCredentials(id, account, { timezone: "UTC", digestTime: "03:00" });
        await store.setAlertSettings(id, { ...DEFAULT_ALERT_SETTINGS, enabled: true });
      }
      await store.close();
      const env = childEnv({
        telegram,
        premiumpay,
        dataDir,
        credentialsKey: key,
        extra: { ALERTS_POLL_SECONDS: "1", ALERTS_GROUP_SECONDS: "0", ...storage.extra },
      });

      // When each alert message reached Telegram, and when each kill happened: a sale can only be alerted twice if
      // its message was in flight when the process died (accepted, its sent mark not yet written).
      const arrivals: { chatId: number; at: number; sales: number }[] = [];
      telegram.events.on("message", (message: StoredMessage) => {
        if (message.from === "bot")
          arrivals.push({ chatId: message.chatId, at: Date.now(), sales: salesInMessage(message.text) });
      });
      const killedAt: number[] = [];
      // The first poll of an account only marks what exists; sales count from there on.
      let child = await ChildBot.start(env, { entry: bundle.entry });
      const polled = (clientId: string) =>
        premiumpay.requests.some(
          (r) => r.clientId === clientId && (r.endpoint === "sales" || r.endpoint === "channelSales"),
        );
      const firstPoll = Date.now() + 20_000;
      while (!accounts.every((account) => polled(account.clientId))) {
        if (Date.now() > firstPoll)
          throw new Error(
            `no first poll; bot said: ${child.stdout.concat(child.stderr).join("\n").slice(-3000)}`,
          );
        await sleep(50);
      }
      const created = new Map<string, number[]>(accounts.map((account) => [account.clientId, []]));
      const selling = setInterval(() => {
        const account = accounts[randomInt(accounts.length)]!;
        const channel = premiumpay.data(account.clientId).channels[0]!;
        const sale = premiumpay.addSale(account.clientId, {
          channelId: channel.id,
          amount: randomInt(1, 100),
        });
        created.get(account.clientId)!.push(sale.id);
      }, 120);
      try {
        for (let kill = 0; kill < KILLS; kill++) {
          await sleep(randomInt(200, 2500));
          killedAt.push(Date.now());
          await child.killHard();
          child = await ChildBot.start(env, { entry: bundle.entry });
        }
      } finally {
        clearInterval(selling);
      }
      const delivered = (chatId: number) =>
        telegram
          .chat(chatId)
          .botMessages()
          .reduce((sum, message) => sum + salesInMessage(message.text), 0);
      const expected = (clientId: string) => created.get(clientId)!.length;
      const deadline = Date.now() + 30_000;
      while (
        Date.now() < deadline &&
        !operators.every(({ id, account }) => delivered(id) >= expected(account.clientId))
      )
        await sleep(100);
      // Stragglers behind a double would still be on their way: a few more polls.
      await sleep(3000);
      child.kill("SIGTERM");
      expect((await child.exited).code).toBe(0);

      const stored = await storage.open(Buffer.from(key, "hex"));
      const outboxes = await stored.alertOutboxes();
      await stored.close();
      let doubles = 0;
      for (const { id, account } of operators) {
        const sent = outboxes.find((outbox) => outbox.telegramId === id)?.sent ?? {};
        const missed = created.get(account.clientId)!.filter((saleId) => sent[`id:${saleId}`] === undefined);
        expect({ operator: id, missed }).toEqual({ operator: id, missed: [] });
        doubles += delivered(id) - expected(account.clientId);
      }
      const total = [...created.values()].reduce((sum, ids) => sum + ids.length, 0);
      console.info(
        `${backend}: alerts across ${KILLS} SIGKILLs: ${total} sales, 0 missed, ${doubles} doubled`,
      );
      expect(doubles).toBeGreaterThanOrEqual(0);
      // Per kill and operator, the last message that reached Telegram around the kill is the only one whose mark
      // can be missing: its sales bound the doubles.
      const inFlight = killedAt.reduce(
        (sum, kill) =>
          sum +
          operators.reduce((perKill, { id }) => {
            const last = arrivals
              .filter((a) => a.chatId === id && a.at > kill - 1000 && a.at <= kill + 500)
              .at(-1);
            return perKill + (last?.sales ?? 0);
          }, 0),
        0,
      );
      console.info(`${backend}: sales in messages in flight at a kill: ${inFlight}`);
      expect(doubles).toBeLessThanOrEqual(inFlight);
      expect(total).toBeGreaterThan(20);
    }, 120_000);
  },
);
