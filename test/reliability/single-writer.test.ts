import { randomBytes } from "node:crypto";
import { lstat, mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { languageCallback } from "../../src/bot/callback-data/index.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import {
  type BotApiEmulator,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";
import { createStore } from "../../src/store/index.js";
import { localDate } from "../../src/time.js";
import { bundleMain, ChatUser, ChildBot, type ChildBundle, childEnv } from "../support/child-bot.js";
import { runDigestCli } from "../support/digest-cli.js";
import { hasButton } from "../support/harness.js";

/**
 * The probe's situations of issue 12.1, with real processes: a bot, and a second bot or `npm run digest -- --now`
 * on the same data folder.
 */
let bundle: ChildBundle;
beforeAll(async () => {
  bundle = await bundleMain();
});
afterAll(() => bundle?.remove());

let telegram: BotApiEmulator;
let premiumpay: PremiumpaySandbox;
let dataDir: string;
let env: Record<string, string>;
const key = randomBytes(32).toString("hex");
const bots: ChildBot[] = [];

beforeEach(async () => {
  telegram = await startBotApiEmulator();
  premiumpay = await startPremiumpaySandbox({ seed: 5 });
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-single-writer-"));
  env = childEnv({ telegram, premiumpay, dataDir, credentialsKey: key });
});
afterEach(async () => {
  await Promise.all(bots.splice(0).map((bot) => bot.killHard()));
  await telegram.close();
  await premiumpay.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function startBot(): Promise<ChildBot> {
  const bot = await ChildBot.start(env, { entry: bundle.entry });
  bots.push(bot);
  return bot;
}

const mentions = (pattern: RegExp) => (message: StoredMessage) => pattern.test(message.text);

async function loggedInOperator(id: number): Promise<ChatUser> {
  const chat = new ChatUser(telegram, { id, first_name: "Olga", language_code: "en" });
  await chat.logIn(premiumpay.addClient({ channels: 2 }));
  return chat;
}

async function switchToSpanish(chat: ChatUser): Promise<void> {
  const keyboard = await chat.send("/language", hasButton(/^lang:/));
  await chat.click(keyboard.messageId, languageCallback.pack("es"), mentions(/Idioma cambiado a español/));
}

async function setTimezone(chat: ChatUser, zone: string): Promise<void> {
  await chat.send("/timezone", hasButton(/^tz:/));
  await chat.send(
    zone,
    (m) => /Time zone set to|Zona horaria cambiada a/.test(m.text) && m.text.includes(zone),
  );
}

/** What a restart would load, read once the bot is dead (it holds the folder while it runs). */
async function storedOperator(id: number) {
  const store = await createStore({ dataDir, credentialsKey: Buffer.from(key, "hex") });
  try {
    return { ...(await store.getOperator(id)), credentials: await store.getCredentials(id) };
  } finally {
    await store.close();
  }
}

describe("one writer per data folder", () => {
  it("a second bot on the same data folder refuses to start with one line naming the folder and the running bot's pid", async () => {
    const first = await startBot();
    const second = ChildBot.spawn(env, { entry: bundle.entry });
    bots.push(second);
    expect(await second.waitForExit(20_000)).toEqual({ code: 1, signal: null });
    expect(second.problems()).toEqual([
      `premiumpay-bot: data folder ${dataDir} is in use by another process (pid ${first.pid}); stop it or set DATA_DIR to another folder`,
    ]);
    // The first bot was not disturbed.
    const chat = await loggedInOperator(930_001);
    expect(chat.botTexts().at(-1)).toMatch(/Logged in as/);
  }, 60_000);

  it("the control socket is in the data folder, mode 0600, of the bot's user, and refuses a malformed request", async () => {
    const bot = await startBot();
    const socket = await lstat(join(dataDir, "control.sock"));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(socket.uid).toBe(process.getuid?.());
    const answer = await new Promise<string>((resolve, reject) => {
      let text = "";
      const client = connect(join(dataDir, "control.sock"), () =>
        client.end(`${JSON.stringify({ command: "digest-now", userId: "1; rm -rf /" })}\n`),
      );
      client.setEncoding("utf8");
      client.on("data", (chunk: string) => {
        text += chunk;
      });
      client.on("error", reject);
      client.on("close", () => resolve(text));
    });
    expect(JSON.parse(answer)).toMatchObject({
      ok: false,
      pid: bot.pid,
      error: expect.stringMatching(/^invalid request: userId/),
    });
    const chat = await loggedInOperator(930_002);
    expect(chat.botTexts().at(-1)).toMatch(/Logged in as/);
  }, 60_000);

  it("`npm run digest -- --now` while the bot runs is carried out by the bot: a language change confirmed meanwhile and the sent date survive a hard kill", async () => {
    const bot = await startBot();
    const chat = await loggedInOperator(930_003);
    const datesAround = [localDate(new Date(), "UTC")];
    const cli = runDigestCli(env, ["--now", "--user", String(chat.chatId)]);
    await switchToSpanish(chat);
    const result = await cli;
    datesAround.push(localDate(new Date(), "UTC"));

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(chat.botTexts().some((text) => text.startsWith("🗞"))).toBe(true);

    await bot.killHard();
    const stored = await storedOperator(chat.chatId);
    expect(stored.locale).toBe("es");
    expect(datesAround).toContain(stored.digest?.lastSentLocalDate);
    expect(stored.credentials).toBeDefined();
    expect(JSON.parse(result.stdout)).toMatchObject({ sent: 1, failed: 0, botPid: bot.pid });
    expect(bot.logs().some((line) => line.msg === "control channel: digest-now")).toBe(true);
  }, 90_000);

  it("after `npm run digest -- --now` has finished, the bot's next changes survive a hard kill", async () => {
    const bot = await startBot();
    const chat = await loggedInOperator(930_004);
    const result = await runDigestCli(env, ["--now"]);
    expect(result.code).toBe(0);

    await switchToSpanish(chat);
    await setTimezone(chat, "Asia/Tokyo");
    await bot.killHard();
    const stored = await storedOperator(chat.chatId);
    expect(stored).toMatchObject({ locale: "es", timezone: "Asia/Tokyo" });
    expect(stored.digest?.lastSentLocalDate).not.toBeNull();
    expect(JSON.parse(result.stdout)).toMatchObject({ sent: 1, botPid: bot.pid });
  }, 90_000);

  it("`npm run digest -- --now` refuses a user who is not logged in, answered by the running bot", async () => {
    const bot = await startBot();
    const result = await runDigestCli(env, ["--now", "--user", "12345"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual(["premiumpay-digest: user 12345 is not logged in"]);
    expect(bot.logs().some((line) => line.msg === "control channel: digest-now")).toBe(true);
  }, 60_000);
});
