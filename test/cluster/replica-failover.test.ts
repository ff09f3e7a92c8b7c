import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { type BotApiEmulator, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { bundleMain, ChatUser, ChildBot, type ChildBundle, childEnv } from "../support/child-bot.js";
import { createTestDatabase } from "../support/postgres.js";

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
    const shared = {
      credentialsKey: randomBytes(32).toString("hex"),
      extra: { STORE: "postgres", DATABASE_URL: await createTestDatabase("replicas") },
    };
    // Each replica has a data folder of its own, as on separate hosts: the alert state still lives there.
    const replicas = await Promise.all(
      [0, 1].map(async (index) => {
        const ownDir = join(dataDir, `replica-${index}`);
        await mkdir(ownDir);
        const env = childEnv({ telegram, premiumpay, dataDir: ownDir, ...shared });
        return ChildBot.start(env, { entry: bundle.entry });
      }),
    );
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

    await leader.killHard();
    await standby.waitForLog(isLeader, TAKEOVER_BOUND_MS);
    const account = await operator.send("/account", (message) => /Client id/.test(message.text), 10_000);
    expect(account.text).toContain(premiumpay.demoClient.clientId);
  }, 90_000);
});
