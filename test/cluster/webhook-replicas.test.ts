import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import {
  type BotApiEmulator,
  type SimUser,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";
import { bundleMain, type ChildBundle } from "../support/child-bot.js";
import { buttonsOf, hasButton } from "../support/harness.js";
import { createTestDatabase } from "../support/postgres.js";
import {
  postUpdate,
  type Replica,
  type RoundRobinProxy,
  startReplicas,
  startRoundRobinProxy,
} from "../support/replicas.js";

let bundle: ChildBundle;
let telegram: BotApiEmulator;
let premiumpay: PremiumpaySandbox;
let dataRoot: string;
let replicas: Replica[] = [];
let proxy: RoundRobinProxy;

beforeAll(async () => {
  [bundle, telegram, premiumpay, dataRoot] = await Promise.all([
    bundleMain(),
    startBotApiEmulator(),
    startPremiumpaySandbox({ seed: 5 }),
    mkdtemp(join(tmpdir(), "ppbot-webhook-replicas-")),
  ]);
  const set = await startReplicas({
    count: 3,
    telegram,
    premiumpay,
    databaseUrl: await createTestDatabase("webhook_replicas"),
    dataRoot,
    entry: bundle.entry,
    mode: "webhook",
    // Above the slow premiumpay answer of the ordering test.
    extra: { PREMIUMPAY_TIMEOUT_MS: "10000" },
  });
  replicas = set.replicas;
  proxy = await startRoundRobinProxy(replicas.map((replica) => replica.port!));
}, 120_000);
afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.bot.killHard()));
  await proxy?.close();
  await Promise.all([bundle?.remove(), telegram?.close(), premiumpay?.close()]);
  await rm(dataRoot, { recursive: true, force: true });
});

/**
 * Telegram's side of the webhook: one update after another, the next once the previous was answered (a replica
 * answers 200 after ANSWER_WITHIN_MS even while it still handles the update).
 */
let delivering: Promise<unknown> = Promise.resolve();
function deliver(update: Update): Promise<number> {
  const posted = delivering.then(() => postUpdate(proxy.url, update));
  delivering = posted.catch(() => undefined);
  return posted;
}

/** One user whose updates go through the round-robin proxy. */
class WebhookUser {
  readonly updates: Update[] = [];
  constructor(readonly user: SimUser) {}

  async send(text: string, expect: RegExp | ((message: StoredMessage) => boolean)): Promise<StoredMessage> {
    const reply = this.waitFor(expect);
    const update = telegram.sendText(this.user, text);
    this.updates.push(update);
    await deliver(update);
    return reply;
  }

  async click(message: StoredMessage, label: RegExp | string, expect: RegExp): Promise<StoredMessage> {
    const reply = this.waitFor(expect);
    const update = this.clickUpdate(message, label);
    await deliver(update);
    return reply;
  }

  /** The user taps the button; the update is returned, not delivered. */
  clickUpdate(message: StoredMessage, label: RegExp | string): Update {
    const button = buttonsOf(message).find((candidate) =>
      typeof label === "string" ? candidate.text === label : label.test(candidate.text),
    );
    if (!button || !("callback_data" in button)) throw new Error(`no button ${String(label)}`);
    const update = telegram.clickButton(this.user, message.messageId, button.callback_data!);
    this.updates.push(update);
    return update;
  }

  waitFor(
    expect: RegExp | ((message: StoredMessage) => boolean),
    timeoutMs = 20_000,
  ): Promise<StoredMessage> {
    const matches =
      typeof expect === "function" ? expect : (message: StoredMessage) => expect.test(message.text);
    return telegram.waitForBotMessage(this.user.id, matches, timeoutMs);
  }

  async logIn(account: { clientId: string; token: string }): Promise<void> {
    await this.send("/start", /client id/);
    await this.send(account.clientId, /API token/);
    await this.send(account.token, /Logged in as/);
  }

  /** The replicas (by index) that received this user's updates. */
  replicasUsed(): Set<number> {
    return new Set(this.updates.map((update) => proxy.routes.get(update.update_id)!));
  }

  botTexts(): string[] {
    return telegram
      .chat(this.user.id)
      .botMessages()
      .map((message) => message.text);
  }
}

let nextUserId = 820_001;
const newUser = () => new WebhookUser({ id: nextUserId++, first_name: "Rita", language_code: "en" });
const createRequests = (clientId: string) =>
  premiumpay.requests.filter(
    (request) => request.endpoint === "createPublicLink" && request.clientId === clientId,
  );

/** /link up to its summary, every step an update of its own (so each lands on the next replica). */
async function linkSummary(user: WebhookUser): Promise<StoredMessage> {
  const picker = await user.send("/link", hasButton(/^cp:c:/));
  const asked = await user.click(picker, /Channel 2/, /Send a name/);
  expect(asked).toBeTruthy();
  const duration = await user.send("Instagram bio", /How long/);
  const approval = await user.click(duration, /^7 days$/, /approve each join request/);
  return user.click(approval, /^No$/, /Check the new link/);
}

describe("three webhook replicas on one PostgreSQL behind a round-robin balancer", () => {
  it("a login and a /link flow whose steps land on every replica complete, the link created once", async () => {
    const user = newUser();
    const account = premiumpay.addClient({ channels: 3 });
    await user.logIn(account);
    const summary = await linkSummary(user);
    const created = await user.click(summary, /Create the link/, /Link created/);

    expect(user.replicasUsed()).toEqual(new Set([0, 1, 2]));
    expect(created.text).toContain("Instagram bio");
    expect(createRequests(account.clientId)).toHaveLength(1);
    expect(premiumpay.data(account.clientId).createdLinks).toHaveLength(1);
  }, 90_000);

  it("the same update delivered to two replicas at once is handled once", async () => {
    const user = newUser();
    const account = premiumpay.addClient({ channels: 3 });
    await user.logIn(account);
    const summary = await linkSummary(user);
    const created = user.waitFor(/Link created/);
    const confirm = user.clickUpdate(summary, /Create the link/);
    // As when a balancer retries an update on another replica while the first still handles it.
    const statuses = await Promise.all(
      replicas.slice(0, 2).map((replica) => postUpdate(`http://127.0.0.1:${replica.port}/`, confirm)),
    );
    expect(statuses).toEqual([200, 200]);
    await created;
    // Both answered; give a second handling the time to show up if there were one.
    const help = await user.send("/help", /\/link/);
    expect(help).toBeTruthy();
    expect(createRequests(account.clientId)).toHaveLength(1);
    expect(user.botTexts().filter((text) => /Link created/.test(text))).toHaveLength(1);
    const answered = [...telegram.callbackQueries.values()].filter(
      (query) => query.id === confirm.callback_query!.id && query.answer !== undefined,
    );
    expect(answered).toHaveLength(1);
  }, 90_000);

  it("a chat's next update, on another replica while the previous is still being handled, waits its turn", async () => {
    const user = newUser();
    const account = premiumpay.addClient({ channels: 2 });
    await user.send("/start", /client id/);
    await user.send(account.clientId, /API token/);
    // premiumpay answers the token check after 3 s: the replica answers Telegram at 2 s and is still handling it
    // when the next update, /account, reaches the next replica.
    premiumpay.faults.latencyMs = 3_000;
    try {
      const loggedIn = user.waitFor(/Logged in as/);
      const accountShown = user.waitFor(
        (message) => message.text.includes(account.clientId) && /Client id/.test(message.text),
      );
      const tokenUpdate = telegram.sendText(user.user, account.token);
      const accountUpdate = telegram.sendText(user.user, "/account");
      user.updates.push(tokenUpdate, accountUpdate);
      await deliver(tokenUpdate);
      await deliver(accountUpdate);
      const [login, shown] = await Promise.all([loggedIn, accountShown]);
      expect(proxy.routes.get(tokenUpdate.update_id)).not.toBe(proxy.routes.get(accountUpdate.update_id));
      // /account saw the login done: it was handled after the token, though it reached its replica earlier.
      expect(shown.messageId).toBeGreaterThan(login.messageId);
      expect(user.botTexts().some((text) => /You are not logged in/.test(text))).toBe(false);
    } finally {
      premiumpay.faults.latencyMs = 0;
    }
  }, 90_000);
});
