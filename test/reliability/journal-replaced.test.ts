import { randomBytes } from "node:crypto";
import { copyFile, mkdtemp, rename, rm } from "node:fs/promises";
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
import { bundleMain, ChatUser, ChildBot, type ChildBundle, childEnv } from "../support/child-bot.js";
import { hasButton } from "../support/harness.js";

/** Issue 12.2: the journal deleted, or replaced by an older copy, under a running bot (a real child process). */
let bundle: ChildBundle;
beforeAll(async () => {
  bundle = await bundleMain();
});
afterAll(() => bundle?.remove());

let telegram: BotApiEmulator;
let premiumpay: PremiumpaySandbox;
let dataDir: string;
let bot: ChildBot | undefined;
const key = randomBytes(32).toString("hex");

beforeEach(async () => {
  telegram = await startBotApiEmulator();
  premiumpay = await startPremiumpaySandbox({ seed: 7 });
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-journal-"));
});
afterEach(async () => {
  await bot?.killHard();
  await telegram.close();
  await premiumpay.close();
  await rm(dataDir, { recursive: true, force: true });
});

const mentions = (pattern: RegExp) => (message: StoredMessage) => pattern.test(message.text);
const journal = () => join(dataDir, "operators.json.journal");

async function setTimezone(chat: ChatUser, zone: string): Promise<void> {
  await chat.send("/timezone", hasButton(/^tz:/));
  await chat.send(
    zone,
    (m) => /Time zone set to|Zona horaria cambiada a/.test(m.text) && m.text.includes(zone),
  );
}

interface Tampering {
  happened: "deleted" | "replaced";
  /** Right after the login. */
  afterLogin?: () => Promise<void>;
  /** After the language change, before the time zone change. */
  tamper: () => Promise<void>;
}

/**
 * Logs an operator in and switches them to Spanish, tampers with the journal, changes the time zone, then SIGKILLs
 * the bot: every one of those confirmed changes must load, and the bot must have said what happened.
 */
async function survivesTampering({ happened, afterLogin, tamper }: Tampering) {
  bot = await ChildBot.start(childEnv({ telegram, premiumpay, dataDir, credentialsKey: key }), {
    entry: bundle.entry,
  });
  const account = premiumpay.addClient({ channels: 2 });
  const chat = new ChatUser(telegram, { id: 940_001, first_name: "Jana", language_code: "en" });
  await chat.logIn(account);
  await afterLogin?.();
  const keyboard = await chat.send("/language", hasButton(/^lang:/));
  await chat.click(keyboard.messageId, languageCallback.pack("es"), mentions(/Idioma cambiado a español/));

  await tamper();
  await setTimezone(chat, "Asia/Tokyo");
  const errors = bot.logs().filter((line) => line.level === 50);
  expect(errors.map((line) => line.msg)).toEqual([
    `journal ${journal()} was ${happened} under the running bot; writing the full state to ${join(dataDir, "operators.json")} and starting a fresh journal`,
  ]);

  await bot.killHard();
  const store = await createStore({ dataDir, credentialsKey: Buffer.from(key, "hex") });
  try {
    expect(await store.getCredentials(chat.chatId)).toEqual(account);
    expect(await store.getOperator(chat.chatId)).toMatchObject({ locale: "es", timezone: "Asia/Tokyo" });
  } finally {
    await store.close();
  }
}

describe("the journal deleted or replaced under the running bot", () => {
  it("deleted: logged at error level before the next write, and no confirmed change is lost after a hard kill", async () => {
    await survivesTampering({ happened: "deleted", tamper: () => rm(journal()) });
  }, 60_000);

  it("replaced by an older copy: logged at error level, and no confirmed change is lost after a hard kill", async () => {
    // As a restore from a backup taken after the login would do: the language change is not in it.
    const older = join(dataDir, "journal-backup");
    await survivesTampering({
      happened: "replaced",
      afterLogin: () => copyFile(journal(), older),
      tamper: () => rename(older, journal()),
    });
  }, 60_000);
});
