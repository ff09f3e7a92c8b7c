import { randomBytes, randomInt } from "node:crypto";
import { lstatSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { digestCallback } from "../../src/bot/callback-data/digest.js";
import { languageCallback } from "../../src/bot/callback-data/index.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import {
  type BotApiEmulator,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";
import { createStore, type Operator } from "../../src/store/index.js";
import { bundleMain, ChatUser, ChildBot, type ChildBundle, childEnv } from "../support/child-bot.js";
import { callbackDataOf, hasButton, stampedLike } from "../support/harness.js";

/** Three bots side by side, each killed 11 times: 33 hard kills in the time of 11 restarts. */
const LANES = 3;
const KILLS_PER_LANE = 11;
const OPERATORS_PER_LANE = 3;
/** Long enough to span a restart: an update lost in the kill is redelivered to the next process. */
const STEP_TIMEOUT_MS = 12_000;
const ZONES = ["Europe/Madrid", "America/Lima", "Asia/Tokyo", "UTC"];

type Field = "clientId" | "locale" | "timezone" | "digestEnabled";
type Value = string | boolean;
/** A setting's last value the bot confirmed in the chat, and the value of an action sent but not yet confirmed. */
type Tracked = { confirmed?: Value; pending?: Value };

interface TrackedOperator {
  chat: ChatUser;
  account: { clientId: string; token: string };
  fields: Record<Field, Tracked>;
  confirmations: number;
}

let bundle: ChildBundle;
beforeAll(async () => {
  bundle = await bundleMain();
});
afterAll(() => bundle?.remove());
const startBot = (env: Record<string, string>) => ChildBot.start(env, { entry: bundle.entry });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mentions = (pattern: RegExp) => (message: StoredMessage) => pattern.test(message.text);

function storedValue(operator: Operator | undefined, field: Field): Value | undefined {
  if (field === "clientId") return operator?.hasCredentials ? operator.clientId : undefined;
  if (field === "digestEnabled") return operator?.digest.enabled;
  return operator?.[field];
}

class Lane {
  readonly operators: TrackedOperator[] = [];
  bot!: ChildBot;
  kills = 0;
  stopping = false;
  readonly env: Record<string, string>;
  readonly key = randomBytes(32).toString("hex");

  constructor(
    readonly telegram: BotApiEmulator,
    readonly premiumpay: PremiumpaySandbox,
    readonly dataDir: string,
  ) {
    this.env = childEnv({ telegram, premiumpay, dataDir, credentialsKey: this.key });
    for (let i = 0; i < OPERATORS_PER_LANE; i++) {
      const chat = new ChatUser(telegram, { id: 700_000 + i, first_name: `Op${i}`, language_code: "en" });
      const fields = { clientId: {}, locale: {}, timezone: {}, digestEnabled: {} };
      this.operators.push({ chat, account: premiumpay.addClient({ channels: 2 }), fields, confirmations: 0 });
    }
  }

  static async start(): Promise<Lane> {
    const lane = new Lane(
      await startBotApiEmulator(),
      await startPremiumpaySandbox({ seed: randomInt(1, 1000) }),
      await mkdtemp(join(tmpdir(), "ppbot-crash-")),
    );
    lane.bot = await startBot(lane.env);
    return lane;
  }

  /**
   * Opens a copy of the data folder the way the bot opens it (journal replayed) and checks that every confirmed
   * setting is there, or the newer one the operator was changing it to. `exact`: nothing may be pending.
   */
  async verify(exact: boolean): Promise<void> {
    const copy = await mkdtemp(join(tmpdir(), "ppbot-crash-copy-"));
    try {
      // The data files only: a killed bot leaves its control socket behind, which cannot be copied.
      await cp(this.dataDir, copy, { recursive: true, filter: (path) => !lstatSync(path).isSocket() });
      const store = await createStore({ dataDir: copy, credentialsKey: Buffer.from(this.key, "hex") });
      try {
        for (const op of this.operators) {
          const stored = await store.getOperator(op.chat.user.id);
          for (const [field, tracked] of Object.entries(op.fields) as Array<[Field, Tracked]>) {
            if (tracked.confirmed === undefined) continue;
            const allowed = exact ? [tracked.confirmed] : [tracked.confirmed, tracked.pending];
            const actual = storedValue(stored, field);
            if (!allowed.includes(actual)) {
              throw new Error(
                `after kill ${this.kills}: user ${op.chat.user.id} ${field} is ${String(actual)}, expected one of ${allowed.map(String).join(", ")}`,
              );
            }
          }
          if (op.fields.clientId.confirmed !== undefined) {
            expect(await store.getCredentials(op.chat.user.id)).toEqual(op.account);
          }
        }
      } finally {
        await store.close();
      }
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    await this.bot?.killHard();
    await this.telegram.close();
    await this.premiumpay.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Runs an action until the bot confirms it; a step lost to a kill is retried from the start of the action. */
async function perform(op: TrackedOperator, field: Field, target: Value, run: () => Promise<void>) {
  op.fields[field].pending = target;
  for (let attempt = 1; ; attempt++) {
    try {
      await run();
      break;
    } catch (error) {
      if (attempt >= 8) throw error;
    }
  }
  op.fields[field] = { confirmed: target };
  op.confirmations++;
}

async function logIn(op: TrackedOperator): Promise<void> {
  await perform(op, "clientId", op.account.clientId, async () => {
    const first = await op.chat.send(
      "/start",
      (m) => hasButton("m:channels")(m) || /client id/.test(m.text),
      STEP_TIMEOUT_MS,
    );
    if (hasButton("m:channels")(first)) return; // logged in by an attempt whose confirmation was lost
    await op.chat.send(op.account.clientId, mentions(/API token|token de la API/), STEP_TIMEOUT_MS);
    await op.chat.send(op.account.token, mentions(/Logged in as|Sesión iniciada como/), STEP_TIMEOUT_MS);
  });
  // What the first login stores alongside the credentials.
  op.fields.timezone = { confirmed: "UTC" };
  op.fields.digestEnabled = { confirmed: true };
}

async function switchLanguage(op: TrackedOperator): Promise<void> {
  const target = op.fields.locale.confirmed === "es" ? "en" : "es";
  const done = target === "es" ? /Idioma cambiado a español/ : /Language set to English/;
  await perform(op, "locale", target, async () => {
    const keyboard = await op.chat.send("/language", hasButton(/^lang:/), STEP_TIMEOUT_MS);
    await op.chat.click(
      keyboard.messageId,
      stampedLike(keyboard, languageCallback.pack(target)),
      mentions(done),
      STEP_TIMEOUT_MS,
    );
  });
}

async function changeTimezone(op: TrackedOperator): Promise<void> {
  const choices = ZONES.filter((zone) => zone !== op.fields.timezone.confirmed);
  const target = choices[randomInt(choices.length)]!;
  const done = (m: StoredMessage) =>
    /Time zone set to|Zona horaria cambiada a/.test(m.text) && m.text.includes(target);
  await perform(op, "timezone", target, async () => {
    await op.chat.send("/timezone", hasButton(/^tz:/), STEP_TIMEOUT_MS);
    await op.chat.send(target, done, STEP_TIMEOUT_MS);
  });
}

async function toggleDigest(op: TrackedOperator): Promise<void> {
  const target = op.fields.digestEnabled.confirmed !== true;
  const showsTarget = hasButton(digestCallback.pack(target ? "off" : "on", 0));
  await perform(op, "digestEnabled", target, async () => {
    const screen = await op.chat.send("/digest", hasButton(/^dg1:(on|off):/), STEP_TIMEOUT_MS);
    if (showsTarget(screen)) return; // saved by an attempt whose redrawn screen was lost
    const toggle = callbackDataOf(screen).find((data) => /^dg1:(on|off):/.test(data))!;
    await op.chat.click(
      screen.messageId,
      stampedLike(screen, toggle),
      (m) => m.messageId === screen.messageId && showsTarget(m),
      STEP_TIMEOUT_MS,
    );
  });
}

/** Logs in, then changes settings in random order until the lane stops; every change writes to the store. */
async function operate(lane: Lane, op: TrackedOperator): Promise<void> {
  await logIn(op);
  const actions = [switchLanguage, changeTimezone, toggleDigest];
  while (!lane.stopping) await actions[randomInt(actions.length)]!(op);
}

/** Resolves once the lane's operators confirmed one more change, so every kill lands on a store being written. */
async function nextConfirmation(lane: Lane): Promise<void> {
  const confirmedNow = () => lane.operators.reduce((sum, op) => sum + op.confirmations, 0);
  const before = confirmedNow();
  const deadline = Date.now() + STEP_TIMEOUT_MS * 2;
  while (confirmedNow() === before && Date.now() < deadline) await sleep(50);
}

async function killRepeatedly(lane: Lane): Promise<void> {
  for (let i = 0; i < KILLS_PER_LANE; i++) {
    // Progress first, then a random moment: on a loaded machine a restarted bot may not have served anyone yet.
    await nextConfirmation(lane);
    await sleep(randomInt(100, 900));
    await lane.bot.killHard();
    lane.kills++;
    await lane.verify(false);
    lane.bot = await startBot(lane.env);
  }
}

describe("crash and restart", () => {
  const lanes: Lane[] = [];
  afterEach(async () => {
    await Promise.all(lanes.splice(0).map((lane) => lane.close()));
  });

  it("keeps every confirmed change through 33 SIGKILLs at random moments, and the data always loads", async () => {
    lanes.push(...(await Promise.all(Array.from({ length: LANES }, () => Lane.start()))));
    await Promise.all(
      lanes.map(async (lane) => {
        const operators = Promise.all(lane.operators.map((op) => operate(lane, op)));
        await killRepeatedly(lane);
        lane.stopping = true;
        await operators;
        lane.bot.kill("SIGTERM");
        expect(await lane.bot.waitForExit(10_000)).toEqual({ code: 0, signal: null });
        await lane.verify(true);
      }),
    );
    expect(lanes.reduce((sum, lane) => sum + lane.kills, 0)).toBeGreaterThanOrEqual(30);
    const operators = lanes.flatMap((lane) => lane.operators);
    for (const op of operators) expect(op.fields.clientId.confirmed).toBe(op.account.clientId);
    // Logins plus settings changes: the kills hit a store that was being written.
    const confirmed = operators.reduce((sum, op) => sum + op.confirmations, 0);
    expect(confirmed).toBeGreaterThanOrEqual(operators.length * 2);
  }, 180_000);
});

describe("duplicate delivery after a hard kill", () => {
  let telegram: BotApiEmulator;
  let premiumpay: PremiumpaySandbox;
  let dataDir: string;
  let bot: ChildBot | undefined;
  afterEach(async () => {
    await bot?.killHard();
    await telegram.close();
    await premiumpay.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** /link up to the summary in a child-process bot; resolves with the summary message. */
  async function toSummary(chat: ChatUser): Promise<StoredMessage> {
    const picker = await chat.send("/link", hasButton(/^cp:c:/));
    const channel = callbackDataOf(picker).find((data) => data.startsWith("cp:c:"))!;
    await chat.click(picker.messageId, stampedLike(picker, channel), mentions(/Send a name/));
    const duration = await chat.send("Bio", mentions(/How long/));
    const preset = callbackDataOf(duration).find((data) => data.startsWith("lkd1:"))!;
    const approval = await chat.click(
      duration.messageId,
      stampedLike(duration, preset),
      mentions(/approve each join request/),
    );
    const no = stampedLike(approval.reply, "lky1:approval:no");
    return (await chat.click(approval.reply.messageId, no, mentions(/Check the new link/))).reply;
  }

  it("a confirm of /link delivered again to the restarted bot creates no second link", async () => {
    telegram = await startBotApiEmulator();
    premiumpay = await startPremiumpaySandbox();
    dataDir = await mkdtemp(join(tmpdir(), "ppbot-dup-"));
    const env = childEnv({ telegram, premiumpay, dataDir, credentialsKey: randomBytes(32).toString("hex") });
    const creates = (clientId: string) =>
      premiumpay.requests.filter((r) => r.endpoint === "createPublicLink" && r.clientId === clientId);
    bot = await startBot(env);
    const operatorWithAccount = (id: number) => ({
      account: premiumpay.addClient({ channels: 2 }),
      chat: new ChatUser(telegram, { id, first_name: "Olivia" }),
    });
    const during = operatorWithAccount(800_001);
    const after = operatorWithAccount(800_002);
    for (const { chat, account } of [during, after]) {
      await chat.send("/start", mentions(/client id/));
      await chat.send(account.clientId, mentions(/API token/));
      await chat.send(account.token, mentions(/Logged in as/));
    }

    // Killed while premiumpay is creating the link: the click's action is marked pending, never done.
    const summary = await toSummary(during.chat);
    premiumpay.faults.set("createPublicLink", { delayMs: 1500 }, { times: 1 });
    const midCall = telegram.clickButton(
      during.chat.user,
      summary.messageId,
      stampedLike(summary, "lk1:confirm"),
    );
    await telegram.waitFor(() => creates(during.account.clientId).length > 0, 10_000);
    await bot.killHard();
    bot = await startBot(env);
    const told = telegram.waitForBotMessage(
      during.chat.chatId,
      mentions(/cannot tell whether premiumpay/),
      15_000,
    );
    telegram.enqueueRaw(midCall);
    await told;

    // Killed right after the operator saw the link: the same click again shows that link.
    const summaryAfter = await toSummary(after.chat);
    const { update: confirmed, reply: created } = await after.chat.click(
      summaryAfter.messageId,
      stampedLike(summaryAfter, "lk1:confirm"),
      mentions(/Link created/),
    );
    await bot.killHard();
    bot = await startBot(env);
    const shownAgain = telegram.waitForBotMessage(
      after.chat.chatId,
      (m) =>
        /Link created/.test(m.text) && (m.messageId !== created.messageId || m.editCount > created.editCount),
      15_000,
    );
    telegram.enqueueRaw(confirmed);
    expect((await shownAgain).text).toContain(premiumpay.data(after.account.clientId).createdLinks[0]!.link);

    await telegram.waitFor(() => telegram.pendingUpdates() === 0, 10_000);
    // The killed bot's create call still completes at premiumpay once its delay is over.
    await telegram.waitFor(() => premiumpay.data(during.account.clientId).createdLinks.length > 0, 10_000);
    for (const { account } of [during, after]) {
      expect(creates(account.clientId)).toHaveLength(1);
      expect(premiumpay.data(account.clientId).createdLinks).toHaveLength(1);
    }
  }, 90_000);
});
